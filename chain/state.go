package chain

import "github.com/gotensor/gotensor/store"

// State is the chain state: typed getters and setters per collection over a
// store.KV, plus the events emitted by the changes made through it.
//
// A State is used by one goroutine. Branch gives a child whose writes and
// events reach the parent only on Write: transactions run on branches, so a
// failed call leaves nothing behind.
type State struct {
	kv     store.KV
	parent *State
	events []Event
	muted  bool // events are not recorded (see Mute)
}

// NewState returns a State over kv. Writes go straight to kv.
func NewState(kv store.KV) *State { return &State{kv: kv} }

// NewQueryState returns a State for reading r, such as a committed
// store.View. Writes made through it are buffered and never persisted.
func NewQueryState(r store.Reader) *State { return NewState(store.NewReadCache(r)) }

// Branch returns a child State buffering writes and events over s.
func (s *State) Branch() *State {
	return &State{kv: store.NewCache(s.kv), parent: s, muted: s.muted}
}

// Mute stops s and its future branches from recording events, for states
// whose events nobody reads (the mempool's, a proposal's dry run). It saves
// formatting them; results are otherwise identical. It returns s.
func (s *State) Mute() *State {
	s.muted = true
	return s
}

// Write flushes a branch's writes and events into its parent. The branch
// stays usable, empty. Dropping a branch without Write discards it.
func (s *State) Write() {
	if s.parent == nil {
		panic("chain: Write on a state that is not a branch")
	}
	s.kv.(*store.Cache).Write()
	s.parent.events = append(s.parent.events, s.events...)
	s.events = nil
}

// TakeEvents returns the events emitted on s (including those written up
// from its branches) and forgets them.
func (s *State) TakeEvents() []Event {
	ev := s.events
	s.events = nil
	return ev
}

// recording reports whether events are recorded. Emitters check it before
// formatting attributes, which costs more than the state change itself.
func (s *State) recording() bool { return !s.muted }

func (s *State) emit(typ string, attrs ...Attr) {
	s.events = append(s.events, Event{Type: typ, Attrs: attrs})
}
