package main

import (
	"context"
	"testing"
	"time"

	"github.com/gotensor/gotensor/keys"
)

// TestLoad_Smoke runs both clients briefly against an in-process axon:
// every request the raw client writes from its template, and every one the
// dendrite client signs, must be accepted.
func TestLoad_Smoke(t *testing.T) {
	for _, client := range []string{"raw", "dendrite"} {
		t.Run(client, func(t *testing.T) {
			o := options{inProcess: true, duration: 300 * time.Millisecond, warmup: 100 * time.Millisecond,
				conns: 2, hotkeys: 2, client: client, expect: 2000, maxPresign: 10_000, rate: -1}
			hotkeys, err := loadHotkeys(o.hotkeys)
			if err != nil {
				t.Fatal(err)
			}
			server, err := keys.FromURI("//Bob")
			if err != nil {
				t.Fatal(err)
			}
			ax, ln, err := startAxon(o, server, hotkeys)
			if err != nil {
				t.Fatal(err)
			}
			defer ax.Stop(context.Background())
			rep, err := load(o, ln.Addr().String(), server.Public(), hotkeys, func() time.Duration { return 0 })
			if err != nil {
				t.Fatal(err)
			}
			if rep.Requests == 0 || rep.Codes["200"] != rep.Requests {
				t.Fatalf("want only 200s, got %d requests: %v", rep.Requests, rep.Codes)
			}
		})
	}
}
