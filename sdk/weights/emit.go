package weights

import (
	"errors"
	"fmt"
	"math"

	"github.com/gotensor/gotensor/tao"
)

// Float is the element type of score vectors: float32 as numpy gives them
// to the SDK, or float64.
type Float interface{ ~float32 | ~float64 }

// Errors of ConvertForEmit and the dense conversions; match with errors.Is.
var (
	ErrNegativeWeight = errors.New("weights: negative weight")
	ErrUIDRange       = errors.New("weights: uid out of range")
	ErrLength         = errors.New("weights: uids and weights differ in length")
	ErrNotFinite      = errors.New("weights: weight is not a finite number")
)

// ConvertForEmit is convert_weights_and_uids_for_emit (sdk-spec §5.2): it
// max-upscales weights so the largest becomes 65535, rounds each to a u16
// half to even (Python's round), and drops the zeros with their uids. All
// zero weights give empty vectors: nothing to set. A negative weight or
// uid, a uid above 65535 or unequal lengths are errors.
func ConvertForEmit[F Float](uids []int, weights []F) ([]tao.UID, []uint16, error) {
	if len(uids) != len(weights) {
		return nil, nil, fmt.Errorf("%w: %d uids, %d weights", ErrLength, len(uids), len(weights))
	}
	var maxW, sum float64
	for i, w := range weights {
		x := float64(w)
		switch {
		case math.IsNaN(x) || math.IsInf(x, 0):
			return nil, nil, fmt.Errorf("%w: %v for uid %d", ErrNotFinite, x, uids[i])
		case x < 0:
			return nil, nil, fmt.Errorf("%w: %v for uid %d; weights cannot be negative on chain", ErrNegativeWeight, x, uids[i])
		}
		maxW, sum = max(maxW, x), sum+x
	}
	for _, u := range uids {
		if u < 0 || u > math.MaxUint16 {
			return nil, nil, fmt.Errorf("%w: %d, uids are 0 to 65535", ErrUIDRange, u)
		}
	}
	outUIDs, outVals := []tao.UID{}, []uint16{}
	if sum == 0 {
		return outUIDs, outVals, nil
	}
	for i, w := range weights {
		v := math.RoundToEven(float64(w) / maxW * math.MaxUint16)
		if v != 0 {
			outUIDs = append(outUIDs, tao.UID(uids[i]))
			outVals = append(outVals, uint16(v))
		}
	}
	return outUIDs, outVals, nil
}
