package tao

import (
	"errors"
	"testing"
)

func TestParseTAO(t *testing.T) {
	ok := map[string]Rao{
		"1":                     1_000_000_000,
		"1.5":                   1_500_000_000,
		"0.000000001":           1,
		".5":                    500_000_000,
		"21000000":              MaxSupply,
		"1_000.25":              1_000_250_000_000,
		"18446744073.709551615": 18446744073709551615,
	}
	for in, want := range ok {
		got, err := ParseTAO(in)
		if err != nil || got != want {
			t.Errorf("ParseTAO(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", ".", "-1", "1e9", "0.0000000001", "abc", "18446744073.709551616", "99999999999999999999"} {
		if _, err := ParseTAO(in); !errors.Is(err, ErrAmount) {
			t.Errorf("ParseTAO(%q) err = %v, want ErrAmount", in, err)
		}
	}
}

func TestFormat(t *testing.T) {
	if s := Rao(1_500_000_000).String(); s != "τ1.500000000" {
		t.Fatal(s)
	}
	if s := Rao(1).TAOString(); s != "0.000000001" {
		t.Fatal(s)
	}
}

func TestAccountIDRoundTrip(t *testing.T) {
	const alice = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"
	a, err := ParseAccountID(alice)
	if err != nil {
		t.Fatal(err)
	}
	if a.String() != alice {
		t.Fatal(a.String())
	}
	b, err := ParseAccountID(a.Hex())
	if err != nil || b != a {
		t.Fatal(err)
	}
	if _, err := ParseAccountID(alice[:47] + "Z"); err == nil {
		t.Fatal("bad checksum accepted")
	}
}
