// Package params holds gotensor's protocol constants and the defaults of the
// chain parameters a genesis may override. Each constant carries its
// meaning on the line where it is declared; the chain reads the live values
// of adjustable parameters from state, never from here.
package params
