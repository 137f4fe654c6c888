package params

import (
	"testing"

	"golang.org/x/crypto/blake2b"
)

func TestTreasuryIsHashOfItsName(t *testing.T) {
	if got := blake2b.Sum256([]byte("gotensor/treasury")); got != Treasury {
		t.Fatalf("Treasury = %x, want blake2b-256(\"gotensor/treasury\") = %x", Treasury, got)
	}
}

func TestHalvingIsHalfTheSupply(t *testing.T) {
	if 2*HalvingIssuance != TotalSupply {
		t.Fatal("the first halving must come at half the total supply")
	}
}
