// Package keys implements sr25519 keys the way Substrate and Bittensor use
// them: BIP39 mnemonics turned into a mini-secret the substrate-bip39 way,
// schnorrkel's Ed25519-mode expansion, secret URIs with hard and soft
// derivation, SS58 addresses, and signing and (batch) verification with the
// signing context "substrate".
//
// A Pair holds a secret key and its public key. Build one with FromURI (the
// most general: a mnemonic, a 0x seed or nothing for the dev phrase, then
// //hard and /soft junctions and an optional ///password), FromMnemonic or
// FromSeed. Pairs are immutable and safe for concurrent use.
//
// Signatures are randomised: signing the same message twice gives different
// bytes, and both verify. Verify accepts a signature over the raw message or
// over "<Bytes>"+message+"</Bytes>", as Bittensor's Keypair.verify does;
// VerifyContext and BatchVerifier check the raw message only, which is what
// transaction and wire-protocol verification want.
//
// Secret key bytes (Secret, Seed) are returned as copies; callers that
// persist them are responsible for their protection (see package wallet).
package keys
