package client

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/gotensor/gotensor/api/apitypes"
)

// streamIdle is how long the stream may stay silent before the client
// reconnects; the node sends a heartbeat every 15 s.
const streamIdle = 45 * time.Second

// Subscribe streams committed blocks with their results and events. With
// from > 0 it starts at that height (the node replays up to 1,000 past
// blocks); with 0 it starts at the next block. On a broken connection it
// reconnects with backoff and resumes after the last block delivered, so
// blocks arrive in order without gaps or repeats. The channel is closed
// when ctx is done. Only the first connection's failure is returned.
func (c *Client) Subscribe(ctx context.Context, from int64) (<-chan apitypes.Block, error) {
	return c.SubscribeWith(ctx, from, StreamOptions{})
}

// StreamOptions tune a block stream.
type StreamOptions struct {
	// Brief leaves out the transactions' events and logs (hash, index
	// and code stay): much less to encode and decode at thousands of
	// transactions per block.
	Brief bool
}

// SubscribeWith is Subscribe with options.
func (c *Client) SubscribeWith(ctx context.Context, from int64, o StreamOptions) (<-chan apitypes.Block, error) {
	if from <= 0 {
		// "The next block" as a height, so a reconnect before the first
		// block arrives still resumes without a gap.
		st, err := c.Status(ctx)
		if err != nil {
			return nil, err
		}
		from = st.Height + 1
	}
	resp, err := c.openStream(ctx, from, o)
	if err != nil {
		return nil, err
	}
	out := make(chan apitypes.Block)
	go func() {
		defer close(out)
		last := from - 1
		backoff := 100 * time.Millisecond
		for {
			if resp != nil {
				n := c.readStream(ctx, resp, out, &last)
				if n > 0 {
					backoff = 100 * time.Millisecond
				}
			}
			if ctx.Err() != nil {
				return
			}
			select {
			case <-ctx.Done():
				return
			case <-time.After(backoff):
			}
			backoff = min(backoff*2, 5*time.Second)
			resp, _ = c.openStream(ctx, last+1, o) // resume right after the last block delivered
		}
	}()
	return out, nil
}

// openStream connects to GET /v1/events, starting at height from.
func (c *Client) openStream(ctx context.Context, from int64, o StreamOptions) (*http.Response, error) {
	q := url.Values{}
	if from > 0 {
		q.Set("from", strconv.FormatInt(from, 10))
	}
	if o.Brief {
		q.Set("events", "false")
	}
	path := "/v1/events"
	if len(q) > 0 {
		path += "?" + q.Encode()
	}
	// The dial and the headers are bounded by the call timeout; after
	// that the body stays open until the stream ends.
	connCtx, cancel := context.WithCancel(ctx)
	req, err := http.NewRequestWithContext(connCtx, http.MethodGet, c.base+path, nil)
	if err != nil {
		cancel()
		return nil, fmt.Errorf("client: %w", err)
	}
	req.Header.Set("Accept", "text/event-stream")
	timer := time.AfterFunc(c.opts.Timeout, cancel)
	resp, err := c.http.Do(req)
	timer.Stop()
	if err != nil {
		cancel()
		return nil, &connError{err: fmt.Errorf("client: GET %s: %w", c.base+path, err)}
	}
	if resp.StatusCode != http.StatusOK {
		defer cancel()
		defer resp.Body.Close()
		var buf bytes.Buffer
		_, _ = buf.ReadFrom(resp.Body)
		return nil, decodeError(resp.StatusCode, buf.Bytes())
	}
	resp.Body = &cancelBody{ReadCloser: resp.Body, cancel: cancel}
	return resp, nil
}

// cancelBody releases the connection's context when the body is closed.
type cancelBody struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (b *cancelBody) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}

// readStream delivers blocks from one connection until it breaks, and
// returns how many it delivered.
func (c *Client) readStream(ctx context.Context, resp *http.Response, out chan<- apitypes.Block, last *int64) int {
	defer resp.Body.Close()
	// A silent connection is closed by the watchdog, which ends Scan.
	watchdog := time.AfterFunc(streamIdle, func() { resp.Body.Close() })
	defer watchdog.Stop()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 256<<20)
	var event string
	var data []byte
	n := 0
	for sc.Scan() {
		watchdog.Reset(streamIdle)
		line := sc.Bytes()
		switch {
		case len(line) == 0: // end of an event
			if event == apitypes.StreamEventBlock && len(data) > 0 {
				var b apitypes.Block
				if json.Unmarshal(data, &b) == nil && b.Height > *last {
					select {
					case out <- b:
					case <-ctx.Done():
						return n
					}
					*last = b.Height
					n++
				}
			}
			event, data = "", data[:0]
		case line[0] == ':': // comment or heartbeat
		default:
			field, value, _ := bytes.Cut(line, []byte(":"))
			value = bytes.TrimPrefix(value, []byte(" "))
			switch string(field) {
			case "event":
				event = string(value)
			case "data":
				if len(data) > 0 {
					data = append(data, '\n')
				}
				data = append(data, value...)
			}
		}
	}
	return n
}
