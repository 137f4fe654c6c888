package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gotensor/gotensor/wallet"
)

const (
	oldLeopard        = "old leopard transfer rib spatial phone calm indicate online fire caution review"
	oldLeopardAddress = "5HDvhV6WDCjCKyrXqGQSDYqQAzkzabNhctmiDYEqgBC66BsX"
	aliceAddress      = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"
	bobAddress        = "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty"
	// testPassword is shared by the encrypted-wallet tests, so the argon2
	// key (seconds to derive) is computed once per test binary.
	testPassword = "gotensor test password 1"
)

type runResult struct {
	code           int
	stdout, stderr string
}

// isolate keeps the user's environment and btcli config out of a test.
func isolate(t *testing.T) {
	t.Helper()
	t.Setenv(wallet.EnvConfigFile, filepath.Join(t.TempDir(), "no-config.yml"))
	for _, k := range []string{wallet.EnvPath, wallet.EnvName, wallet.EnvHotkey, wallet.EnvNetwork, "NO_COLOR"} {
		t.Setenv(k, "")
	}
}

func run(t *testing.T, stdin string, args ...string) runResult {
	t.Helper()
	var out, errOut bytes.Buffer
	code := Execute(args, strings.NewReader(stdin), &out, &errOut)
	return runResult{code, out.String(), errOut.String()}
}

func runJSON(t *testing.T, args ...string) map[string]any {
	t.Helper()
	r := run(t, "", append(args, "--json")...)
	require.Equal(t, 0, r.code, "stderr: %s\nstdout: %s", r.stderr, r.stdout)
	var doc map[string]any
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &doc), r.stdout)
	return doc
}

// requireFails checks a failed command: non-zero exit, one error line
// (plus at most a hint line) containing want.
func requireFails(t *testing.T, r runResult, want string) {
	t.Helper()
	require.NotEqual(t, 0, r.code, "stdout: %s", r.stdout)
	lines := strings.Split(strings.TrimRight(r.stderr, "\n"), "\n")
	require.LessOrEqual(t, len(lines), 2, r.stderr)
	require.True(t, strings.HasPrefix(lines[0], "error: "), r.stderr)
	require.Contains(t, lines[0], want)
}

func files(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	_ = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, rerr := os.ReadFile(p)
			require.NoError(t, rerr)
			rel, _ := filepath.Rel(dir, p)
			out[rel] = string(b)
		}
		return nil
	})
	return out
}

func TestWalletCreate_URIAlice(t *testing.T) {
	isolate(t)
	dir := t.TempDir()
	r := run(t, "", "wallet", "create", "--uri", "//Alice", "--wallet-path", dir, "--wallet-name", "alice", "--no-use-password", "--no-prompt")
	require.Equal(t, 0, r.code, r.stderr)

	w, err := wallet.New(dir, "alice", "default")
	require.NoError(t, err)
	for _, k := range []wallet.Keyfile{w.ColdkeyFile(), w.HotkeyFile()} {
		enc, err := k.Encryption()
		require.NoError(t, err)
		require.Equal(t, wallet.Plain, enc)
		p, err := k.Unlock(nil)
		require.NoError(t, err)
		require.Equal(t, aliceAddress, p.SS58())
	}
	require.Len(t, files(t, dir), 4)
}

func TestWalletRegenColdkey_JSONAndOverwrite(t *testing.T) {
	isolate(t)
	dir := t.TempDir()
	args := []string{"wallet", "regen-coldkey", "--wallet-path", dir, "--wallet-name", "w", "--mnemonic", oldLeopard, "--no-use-password", "--no-prompt"}
	doc := runJSON(t, args...)
	require.Equal(t, oldLeopardAddress, doc["ss58Address"])
	require.Equal(t, false, doc["encrypted"])
	require.Nil(t, doc["mnemonic"], "a restored key's mnemonic is not echoed")
	before := files(t, dir)
	require.Contains(t, before["w/coldkey"], `"secretPhrase":"`+oldLeopard+`"`)

	// Again without --overwrite: refused, naming the file and the flag.
	r := run(t, "", "wallet", "regen-coldkey", "--wallet-path", dir, "--wallet-name", "w", "--no-use-password", "--no-prompt",
		"--mnemonic", "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about")
	requireFails(t, r, filepath.Join(dir, "w", "coldkey"))
	require.Contains(t, r.stderr, "--overwrite")
	require.Equal(t, before, files(t, dir))

	// Interactively, answering no also leaves everything as it was.
	r = run(t, "n\n", "wallet", "regen-coldkey", "--wallet-path", dir, "--wallet-name", "w", "--seed", "0x4ed8d4b17698ddeaa1f1559f152f87b5d472f725ca86d341bd0276f1b61197e2", "--no-use-password")
	require.Equal(t, 1, r.code)
	require.Contains(t, r.stderr, "Overwrite it?")
	require.Contains(t, r.stderr, "error: wallet: keyfile already exists")
	require.Equal(t, before, files(t, dir))

	doc = runJSON(t, "wallet", "regen-coldkey", "--wallet-path", dir, "--wallet-name", "w", "--seed", "0x4ed8d4b17698ddeaa1f1559f152f87b5d472f725ca86d341bd0276f1b61197e2", "--no-use-password", "--overwrite")
	require.Equal(t, "5EPCUjPxiHAcNooYipQFWr9NmmXJKpNG5RhcntXwbtUySrgH", doc["ss58Address"])
}

func TestWallet_BadInputChangesNothing(t *testing.T) {
	isolate(t)
	dir := t.TempDir()
	regen := func(extra ...string) runResult {
		if !strings.HasPrefix(strings.Join(extra, " "), "--use-password") {
			extra = append(extra, "--no-use-password")
		}
		return run(t, "", append([]string{"wallet", "regen-coldkey", "--wallet-path", dir, "--wallet-name", "w", "--no-prompt"}, extra...)...)
	}
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"unknown word", []string{"--mnemonic", strings.Replace(oldLeopard, "spatial", "spacial", 1)}, `word 5 "spacial" is not in the BIP39 English word list`},
		{"checksum", []string{"--mnemonic", strings.Replace(oldLeopard, "review", "abandon", 1)}, "checksum does not match"},
		{"word count", []string{"--mnemonic", "old leopard transfer"}, "3 words"},
		{"short seed", []string{"--seed", "0x1234"}, "2 bytes"},
		{"seed not hex", []string{"--seed", "0xnothex"}, "--seed is not hex"},
		{"two sources", []string{"--seed", "0x00", "--mnemonic", oldLeopard}, "only one of"},
		{"no source", nil, "--mnemonic, --seed, --uri or --json-file"},
		{"bad wallet name", []string{"--wallet-name", "../x", "--mnemonic", oldLeopard}, "must be a plain name"},
		{"missing password file", []string{"--use-password", "--mnemonic", oldLeopard, "--password-file", filepath.Join(dir, "nope")}, "--password-file"},
		{"encrypt without a password", []string{"--use-password", "--mnemonic", oldLeopard}, "needs a password: pass --password-file"},
		{"contradiction", []string{"--use-password", "--no-use-password", "--mnemonic", oldLeopard}, "contradict"},
		{"missing json file", []string{"--json-file", filepath.Join(dir, "nope.json")}, "nope.json"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := regen(c.args...)
			requireFails(t, r, c.want)
			require.Empty(t, files(t, dir))
		})
	}
	pub := func(args ...string) runResult {
		return run(t, "", append([]string{"wallet", "regen-coldkeypub", "--wallet-path", dir, "--wallet-name", "w", "--no-prompt"}, args...)...)
	}
	requireFails(t, pub("--ss58", "5F3sa2TJAWMqDhXG6jhV4N8ko9rLbc4B52kmxXJoN5D3ue8w"), "bad checksum")
	requireFails(t, pub("--ss58", "5F3sa2TJAWMqDhXG6jhV4N8ko9rLbc4B52kmxXJoN5D3u"), "bad length")
	requireFails(t, pub("--public-key-hex", "abcd"), "invalid public key")

	// Each names its flag, and a hint only adds what the error does not say.
	for _, c := range []struct {
		r              runResult
		msg, hint, not string
	}{
		{pub("--ss58", "5Grw"), "--ss58: invalid address", "47 or 48 characters", ""},
		{pub("--public-key-hex", "0x12"), "--public-key-hex: keys: invalid public key", "", ""},
		{run(t, "", "wallet", "verify", "--message", "m", "--signature", "00", "--address", "bad"), "--address: invalid address", "starts with 5", ""},
		{run(t, "", "wallet", "verify", "--message", "m", "--signature", "00", "--public-key", "0x1"), "--public-key: keys: invalid public key", "", ""},
		{regen("--mnemonic", "old leopard transfer"), "3 words, want 12, 15, 18, 21 or 24", "as one quoted argument", "12, 15"},
	} {
		msg, hint := errorLines(t, c.r)
		require.Contains(t, msg, c.msg)
		if c.hint == "" {
			require.Empty(t, hint, msg)
			continue
		}
		require.Contains(t, hint, c.hint)
		if c.not != "" {
			require.NotContains(t, hint, c.not, "the error line says it already")
		}
	}
	requireFails(t, run(t, "", "wallet", "create", "--wallet-path", dir, "--n-words", "13", "--no-prompt"), "--n-words 13")
	require.Empty(t, files(t, dir))
}

func TestWallet_CorruptKeyfile(t *testing.T) {
	isolate(t)
	dir := t.TempDir()
	runJSON(t, "wallet", "create", "--uri", "//Bob", "--wallet-path", dir, "--wallet-name", "b")
	cold := filepath.Join(dir, "b", "coldkey")
	data, err := os.ReadFile(cold)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(cold, data[:40], 0o600))
	before := files(t, dir)

	r := run(t, "", "wallet", "sign", "--wallet-path", dir, "--wallet-name", "b", "--message", "hi", "--no-prompt")
	requireFails(t, r, "keyfile is corrupt")
	require.Contains(t, r.stderr, cold)
	require.Contains(t, r.stderr, "regen-coldkey")
	require.Equal(t, before, files(t, dir))

	// Missing wallet: the error names the file and says what to do.
	r = run(t, "", "wallet", "sign", "--wallet-path", dir, "--wallet-name", "nobody", "--message", "hi", "--no-prompt")
	requireFails(t, r, "keyfile not found")
	require.Contains(t, r.stderr, "gotensor wallet create")
}

func TestWallet_UnreadableKeyfile(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root reads files regardless of their mode")
	}
	isolate(t)
	dir := t.TempDir()
	runJSON(t, "wallet", "create", "--uri", "//Bob", "--wallet-path", dir, "--wallet-name", "b")
	require.NoError(t, os.Chmod(filepath.Join(dir, "b", "coldkey"), 0))
	r := run(t, "", "wallet", "sign", "--wallet-path", dir, "--wallet-name", "b", "--message", "hi", "--no-prompt")
	requireFails(t, r, "permission denied")
}

func TestWalletSignVerify(t *testing.T) {
	isolate(t)
	dir := t.TempDir()
	runJSON(t, "wallet", "create", "--uri", "//Alice", "--wallet-path", dir, "--wallet-name", "a")
	w := []string{"--wallet-path", dir, "--wallet-name", "a"}

	doc := runJSON(t, append([]string{"wallet", "sign", "--message", "hello bittensor", "--use-hotkey"}, w...)...)
	require.Equal(t, aliceAddress, doc["signer_address"])
	sig := doc["signed_message"].(string)
	require.Len(t, sig, 128)
	require.False(t, strings.HasPrefix(sig, "0x"), "btcli prints the signature without 0x")

	doc = runJSON(t, "wallet", "verify", "--message", "hello bittensor", "--signature", "0x"+sig, "--address", aliceAddress)
	require.Equal(t, true, doc["verified"])
	doc = runJSON(t, "wallet", "verify", "-m", "hello bittensor", "-s", sig, "-p", "d43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d")
	require.Equal(t, true, doc["verified"])

	// A published signature by Alice over "<Bytes>asd</Bytes>" verifies for "asd".
	wrapped := "c48291c3db8afa30f59cdaa2a75dde37dabfd9172c6373bf7e604360c61a886956c3a432782b817c8766ec821c2738b21840c300e765088f231ba1381ad48e8a"
	doc = runJSON(t, "wallet", "verify", "--message", "asd", "--signature", wrapped, "--address", aliceAddress)
	require.Equal(t, true, doc["verified"])

	// Wrong message or signer: exit 1, one JSON document saying so.
	for _, args := range [][]string{
		{"--message", "hello bittensor!", "--signature", sig, "--address", aliceAddress},
		{"--message", "hello bittensor", "--signature", sig, "--address", bobAddress},
	} {
		r := run(t, "", append(append([]string{"wallet", "verify"}, args...), "--json")...)
		require.Equal(t, 1, r.code)
		var d map[string]any
		require.NoError(t, json.Unmarshal([]byte(r.stdout), &d), r.stdout)
		require.Equal(t, false, d["verified"])
		r = run(t, "", append([]string{"wallet", "verify"}, args...)...)
		requireFails(t, r, "signature is not valid")
	}
	requireFails(t, run(t, "", "wallet", "verify", "--message", "m", "--signature", "abcd", "--address", aliceAddress), "128 hex digits")
	requireFails(t, run(t, "", "wallet", "verify", "--message", "m", "--signature", sig, "--address", "5F3sa2TJAWMqDhXG6jhV4N8ko9rLbc4B52kmxXJoN5D3ue8w"), "bad checksum")
	requireFails(t, run(t, "", "wallet", "verify", "--message", "m", "--signature", sig), "--address or --public-key is required")
}

func TestWalletNewKeys_MnemonicShownOnce(t *testing.T) {
	isolate(t)
	dir := t.TempDir()
	doc := runJSON(t, "wallet", "new-hotkey", "--wallet-path", dir, "--wallet-name", "w", "--hotkey", "h", "--n-words", "24")
	m, ok := doc["mnemonic"].(string)
	require.True(t, ok)
	require.Len(t, strings.Fields(m), 24)
	require.Equal(t, false, doc["encrypted"], "hotkeys are not encrypted by default")

	// People see it with a warning.
	r := run(t, "", "wallet", "new-coldkey", "--wallet-path", dir, "--wallet-name", "w", "--no-use-password", "--no-prompt")
	require.Equal(t, 0, r.code, r.stderr)
	require.Contains(t, r.stdout, "IMPORTANT: store this mnemonic")
	require.Contains(t, r.stdout, "The mnemonic of the new coldkey is:")

	// create on an existing wallet keeps the coldkey and adds a hotkey.
	cold := files(t, dir)["w/coldkey"]
	doc = runJSON(t, "wallet", "create", "--wallet-path", dir, "--wallet-name", "w", "--hotkey", "h2", "--no-use-password")
	require.Equal(t, true, doc["kept"])
	require.Equal(t, cold, files(t, dir)["w/coldkey"])
	require.NotNil(t, doc["hotkey"].(map[string]any)["mnemonic"])
	require.Len(t, files(t, dir), 6)

	// A different --uri on an existing coldkey is refused.
	r = run(t, "", "wallet", "create", "--wallet-path", dir, "--wallet-name", "w", "--hotkey", "h3", "--uri", "//Eve", "--no-prompt")
	requireFails(t, r, "already exists")
	require.Len(t, files(t, dir), 6)
}

func TestWalletListInspectAndPubFiles(t *testing.T) {
	isolate(t)
	dir := t.TempDir()
	runJSON(t, "wallet", "create", "--uri", "//Alice", "--wallet-path", dir, "--wallet-name", "a")
	runJSON(t, "wallet", "regen-coldkeypub", "--wallet-path", dir, "--wallet-name", "watch", "--ss58", bobAddress)
	runJSON(t, "wallet", "regen-hotkeypub", "--wallet-path", dir, "--wallet-name", "watch", "--hotkey", "m1",
		"--public-key-hex", "d43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d")

	t.Setenv(wallet.EnvPath, dir) // the environment picks the wallet path
	doc := runJSON(t, "wallet", "list")
	require.Equal(t, dir, doc["path"])
	wallets := doc["wallets"].([]any)
	require.Len(t, wallets, 2)
	a := wallets[0].(map[string]any)
	require.Equal(t, "a", a["name"])
	require.Equal(t, aliceAddress, a["coldkey"].(map[string]any)["ss58Address"])
	watch := wallets[1].(map[string]any)
	require.Equal(t, true, watch["coldkey"].(map[string]any)["watchOnly"])
	require.Equal(t, aliceAddress, watch["hotkeys"].([]any)[0].(map[string]any)["ss58Address"])

	r := run(t, "", "wallet", "list")
	require.Equal(t, 0, r.code)
	require.Contains(t, r.stdout, aliceAddress)
	require.Contains(t, r.stdout, "public key only")

	doc = runJSON(t, "wallet", "inspect", "--wallet-name", "a")
	require.Equal(t, filepath.Join(dir, "a", "coldkey"), doc["coldkey"].(map[string]any)["file"])
	require.Equal(t, "none", doc["coldkey"].(map[string]any)["encryption"])

	// A key with only its public file says so, and names that file: it
	// has no secret, so no encryption.
	doc = runJSON(t, "wallet", "inspect", "--wallet-name", "watch")
	for _, k := range []map[string]any{doc["coldkey"].(map[string]any), doc["hotkeys"].([]any)[0].(map[string]any)} {
		require.Equal(t, true, k["watchOnly"])
		require.NotContains(t, k, "encryption")
	}
	require.Equal(t, filepath.Join(dir, "watch", "coldkeypub.txt"), doc["coldkey"].(map[string]any)["file"])
	require.Equal(t, filepath.Join(dir, "watch", "hotkeys", "m1pub.txt"), doc["hotkeys"].([]any)[0].(map[string]any)["file"])
	r = run(t, "", "wallet", "inspect", "--wallet-name", "watch")
	require.Equal(t, 0, r.code, r.stderr)
	require.NotContains(t, r.stdout, "none")
	require.Equal(t, 2, strings.Count(r.stdout, "public key only"), r.stdout)
	requireFails(t, run(t, "", "wallet", "inspect", "--wallet-name", "zz"), `no wallet "zz"`)
}

// TestWallet_EncryptedColdkey writes a $NACL coldkey from the CLI, then
// unlocks it with --password-file, the BT_PW_ variable and a prompt, and
// checks the failures. Argon2 runs twice (the right and a wrong password).
func TestWallet_EncryptedColdkey(t *testing.T) {
	if testing.Short() {
		t.Skip("argon2 with 512 MiB takes seconds")
	}
	isolate(t)
	dir := t.TempDir()
	pwFile := filepath.Join(dir, "pw.txt")
	require.NoError(t, os.WriteFile(pwFile, []byte(testPassword+"\n"), 0o600))
	wallets := filepath.Join(dir, "wallets")
	w := []string{"--wallet-path", wallets, "--wallet-name", "enc"}

	doc := runJSON(t, append([]string{"wallet", "regen-coldkey", "--mnemonic", oldLeopard, "--use-password", "--password-file", pwFile}, w...)...)
	require.Equal(t, oldLeopardAddress, doc["ss58Address"])
	require.Equal(t, true, doc["encrypted"])
	cold := filepath.Join(wallets, "enc", "coldkey")
	data, err := os.ReadFile(cold)
	require.NoError(t, err)
	require.True(t, bytes.HasPrefix(data, []byte("$NACL")))
	plain, err := wallet.Decrypt(data, testPassword)
	require.NoError(t, err)
	p, err := wallet.DecodeKeyfile(plain)
	require.NoError(t, err)
	require.Equal(t, oldLeopardAddress, p.SS58())
	before := files(t, dir)

	sign := append([]string{"wallet", "sign", "--message", "m"}, w...)
	doc = runJSON(t, append(sign, "--password-file", pwFile)...)
	require.Equal(t, oldLeopardAddress, doc["signer_address"])

	// No password source and no prompt: say which ones exist.
	r := run(t, "", append(sign, "--no-prompt")...)
	requireFails(t, r, "--password-file")
	require.Contains(t, r.stderr, wallet.EnvVarName(cold))

	// A prompt (stdin is not a terminal, so the line is read as typed).
	r = run(t, testPassword+"\n", sign...)
	require.Equal(t, 0, r.code, r.stderr)

	// The BT_PW_ variable in btwallet's format.
	t.Setenv(wallet.EnvVarName(cold), wallet.EncodeEnvPassword(wallet.EnvVarName(cold), testPassword))
	doc = runJSON(t, sign...)
	require.Equal(t, oldLeopardAddress, doc["signer_address"])
	r = run(t, "", append(w, "wallet", "password-env", "--password-file", pwFile, "--no-prompt")...)
	require.Equal(t, 0, r.code, r.stderr)
	require.Equal(t, "export "+wallet.EnvVarName(cold)+"='"+os.Getenv(wallet.EnvVarName(cold))+"'\n", r.stdout)
	t.Setenv(wallet.EnvVarName(cold), "") // empty counts as unset

	// Wrong password: one line, exit 1, nothing changed.
	bad := filepath.Join(dir, "bad.txt")
	require.NoError(t, os.WriteFile(bad, []byte("wrong password\n"), 0o600))
	r = run(t, "", append(sign, "--password-file", bad, "--no-prompt")...)
	requireFails(t, r, "wrong password for "+cold)
	require.Contains(t, r.stderr, "if it is right, the keyfile is damaged: restore it with `gotensor wallet regen-coldkey`")
	before["bad.txt"] = "wrong password\n"
	require.Equal(t, before, files(t, dir))

	// create: the password options are the coldkey's; the hotkey stays plain.
	doc = runJSON(t, "wallet", "create", "--wallet-path", wallets, "--wallet-name", "both", "--use-password", "--password-file", pwFile)
	require.Equal(t, true, doc["coldkey"].(map[string]any)["encrypted"])
	require.Equal(t, false, doc["hotkey"].(map[string]any)["encrypted"])
}
