// Command gotensor is the single gotensor binary: node, local network,
// wallet, staking, subnets and Yuma tools. See `gotensor --help`.
package main

import (
	"os"

	"github.com/gotensor/gotensor/cli"
)

func main() { os.Exit(cli.Main()) }
