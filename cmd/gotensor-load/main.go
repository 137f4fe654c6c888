// Command gotensor-load measures a gotensor node: committed signed
// transfers per second with their inclusion latency (transfers), and the
// cost of a large genesis (genesis). It runs the node in-process in a
// temporary home, or drives a running node (--network). See
// docs/performance.md for the figures and how they were taken.
//
//	gotensor-load transfers [--senders 2000] [--txs 60000] [--workers 64]
//	gotensor-load genesis   [--accounts 1000000] [--queries 2000]
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var err error
	switch os.Args[1] {
	case "transfers":
		err = runTransfers(ctx, os.Args[2:])
	case "genesis":
		err = runGenesis(ctx, os.Args[2:])
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "gotensor-load:", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: gotensor-load transfers|genesis [flags] (-h for the flags)")
	os.Exit(2)
}
