// Package tao holds gotensor's vocabulary types: amounts in rao, subnet and
// neuron identifiers, account identifiers and block heights, with their
// parsing and formatting. It has no behaviour beyond that, so every other
// package (the deterministic chain included) can import it.
package tao
