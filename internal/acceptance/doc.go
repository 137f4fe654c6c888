// Package acceptance holds the end-to-end acceptance suite of issues 2
// (keys and wallets), 3 (the chain) and 4 (subnets): its tests build the
// real gotensor binary once and run its commands as a user would, against
// real localnet processes on free loopback ports, checking the documented
// contracts — outputs, JSON shapes (amounts integers in rao), exact
// balances, one-line errors with a hint that change nothing, --json never
// prompting, NO_COLOR, restarts after SIGINT and SIGKILL — and
// docs/walkthrough.md run command by command.
//
// The package has no code of its own. `go test ./internal/acceptance`
// runs the suite (about a minute and a half on two cores, the
// four-validator testnet with a node killed and restarted included;
// -short skips it).
package acceptance
