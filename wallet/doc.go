// Package wallet reads and writes Bittensor wallets: the directory layout,
// the JSON keyfiles, their encryption and the password conventions of
// bittensor-wallet (btwallet) and btcli, so a wallet made by either tool
// works in the other.
//
// A wallet is a directory <path>/<name> holding one coldkey and any number
// of hotkeys:
//
//	coldkey                  the coldkey's keyfile, normally $NACL-encrypted
//	coldkeypub.txt           its public part, never encrypted
//	hotkeys/<hotkey>         a hotkey's keyfile, normally not encrypted
//	hotkeys/<hotkey>pub.txt  its public part
//
// Keyfiles are JSON (accountId, publicKey, privateKey, secretPhrase,
// secretSeed, ss58Address). Encrypted ones are "$NACL" ‖ nonce ‖ secretbox
// with an argon2i key (about 1 s and 512 MiB per password try); the legacy
// ansible-vault and Fernet formats are read but never written.
//
// Writes are atomic (a temporary file in the same directory, fsync, rename)
// with mode 0600, and never replace an existing key unless the caller asks
// to overwrite. Every error leaves the disk as it was.
//
// Settings resolves where wallets live and which one to use (flag, then
// environment, then btcli's config file, then defaults); Keyfile.Unlock asks
// for a password only when the file is encrypted, trying the BT_PW_…
// environment variable first.
package wallet
