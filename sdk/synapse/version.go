package synapse

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Version is the Bittensor SDK version whose wire protocol this package
// speaks; VersionInt is the value sent as the terminals' version.
const (
	Version    = "10.2.0"
	VersionInt = 10_002_000
)

// ErrVersion is returned (wrapped) for a version string VersionAsInt cannot
// read.
var ErrVersion = errors.New("synapse: invalid version")

// VersionAsInt returns major·10⁶ + minor·10³ + patch for a version that
// starts "major.minor.patch" (a suffix such as "rc1" is ignored), as
// Python's version_as_int does. Each part must be below 1000.
func VersionAsInt(v string) (int, error) {
	rest := v
	total := 0
	for i := range 3 {
		j := 0
		for j < len(rest) && rest[j] >= '0' && rest[j] <= '9' {
			j++
		}
		n, err := strconv.Atoi(rest[:j])
		if j == 0 || err != nil || n > 999 {
			return 0, fmt.Errorf("%w: %q: want major.minor.patch, each below 1000", ErrVersion, v)
		}
		total = total*1000 + n
		rest = rest[j:]
		if i < 2 {
			if !strings.HasPrefix(rest, ".") {
				return 0, fmt.Errorf("%w: %q: want major.minor.patch", ErrVersion, v)
			}
			rest = rest[1:]
		}
	}
	return total, nil
}
