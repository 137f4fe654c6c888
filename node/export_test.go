package node

// Test helpers shared with the external tests (package node_test), as
// CometBFT's state/export_test.go does.
var (
	FreeAddr      = freeAddr
	FreePortBlock = freePortBlock
)
