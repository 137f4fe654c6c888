package app

// DiscardBlock drops a finalized, uncommitted block, so fuzz tests can run
// many blocks at one height. Exported for tests only.
func (a *App) DiscardBlock() {
	a.store.Rollback()
	a.proposed = nil
}

// Reused returns how many blocks were finalized from PrepareProposal's
// execution. Exported for tests only.
func (a *App) Reused() int { return a.reused }
