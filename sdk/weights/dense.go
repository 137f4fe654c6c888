package weights

import (
	"errors"
	"fmt"

	"github.com/gotensor/gotensor/tao"
)

// ErrSize is returned for a negative vector size.
var ErrSize = errors.New("weights: negative size")

// DenseWeights expands a stored weights row (max-upscaled u16 values) into
// a vector of n float32 indexed by uid, normalised to sum to 1 when it is
// not all zero (convert_weight_uids_and_vals_to_tensor, the metagraph's
// W[i]). A uid at or beyond n is an error.
func DenseWeights(n int, uids []tao.UID, values []uint16) ([]float32, error) {
	row, err := dense[float32](n, uids, values)
	if err != nil {
		return nil, err
	}
	if s := sum(row); s > 0 {
		for i := range row {
			row[i] /= s
		}
	}
	return row, nil
}

// DenseBonds expands a stored bonds row into a vector of n values indexed
// by uid, unnormalised (convert_bond_uids_and_vals_to_tensor, the
// metagraph's B[i]).
func DenseBonds(n int, uids []tao.UID, bonds []uint16) ([]int64, error) {
	return dense[int64](n, uids, bonds)
}

func dense[T float32 | int64](n int, uids []tao.UID, values []uint16) ([]T, error) {
	if n < 0 {
		return nil, fmt.Errorf("%w: %d", ErrSize, n)
	}
	if len(uids) != len(values) {
		return nil, fmt.Errorf("%w: %d uids, %d values", ErrLength, len(uids), len(values))
	}
	row := make([]T, n)
	for i, u := range uids {
		if int(u) >= n {
			return nil, fmt.Errorf("%w: uid %d in a row of %d", ErrUIDRange, u, n)
		}
		row[u] = T(values[i])
	}
	return row, nil
}
