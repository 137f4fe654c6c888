package acceptance

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/nacl/secretbox"
)

// A mnemonic with published keyfile values (sdk-vectors.json
// computed.keys.mnemonics[0]: btwallet's privateKey form).
const (
	leopard           = "old leopard transfer rib spatial phone calm indicate online fire caution review"
	leopardPublic     = "0xe4359ad3e2716c539a1d663ebd0a51bdc5c98a12e663bb4c4402db47828c9446"
	leopardSS58       = "5HDvhV6WDCjCKyrXqGQSDYqQAzkzabNhctmiDYEqgBC66BsX"
	leopardMiniSecret = "0xda3cf5b1e9144931a0f0db65664aab662673b099415a7f8121b7245fb0be4143"
	leopardPrivate    = "0x1f1995bdf3a17b60626a26cfe6f564b337d46056b7a1281b64c649d592ccda0a9cffd34d9fb01cae1fba61aeed184c817442a2186d5172416729a4b54dd4b84e"

	alicePublic = "0xd43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d"
	aliceSS58   = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"
	bobSS58     = "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty"
)

// walletArgs are the flags naming wallet name in dir.
func walletArgs(dir, name string) []string {
	return []string{"--wallet-path", dir, "--wallet-name", name}
}

// readKeyfile decodes a plaintext keyfile.
func readKeyfile(t *testing.T, path string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	var doc map[string]any
	require.NoError(t, json.Unmarshal(b, &doc), "%s: %s", path, b)
	return doc
}

func TestWalletRegenColdkey_Plain(t *testing.T) {
	needBinary(t)
	dir := t.TempDir()
	doc := okJSON(t, nil, append(walletArgs(dir, "W"), "wallet", "regen-coldkey", "--mnemonic", leopard,
		"--no-use-password", "--no-prompt")...)
	require.Equal(t, leopardSS58, doc["ss58Address"])
	require.Equal(t, false, doc["encrypted"])

	key := readKeyfile(t, filepath.Join(dir, "W", "coldkey"))
	require.Equal(t, map[string]any{
		"accountId": leopardPublic, "publicKey": leopardPublic, "privateKey": leopardPrivate,
		"secretPhrase": leopard, "secretSeed": leopardMiniSecret, "ss58Address": leopardSS58,
	}, key, "btwallet's keyfile fields (sdk-spec §2.3)")
	pub := readKeyfile(t, filepath.Join(dir, "W", "coldkeypub.txt"))
	require.Equal(t, map[string]any{"accountId": leopardPublic, "publicKey": leopardPublic, "ss58Address": leopardSS58}, pub)
	for _, f := range []string{"coldkey", "coldkeypub.txt"} {
		info, err := os.Stat(filepath.Join(dir, "W", f))
		require.NoError(t, err)
		require.Equal(t, fs.FileMode(0o600), info.Mode().Perm(), f)
	}
}

// naclSalt is the fixed argon2i salt of btwallet's $NACL keyfiles
// (sdk-spec §2.4).
var naclSalt = []byte("\x13q\x83\xdf\xf1Z\t\xbc\x9c\x90\xb5Q\x879\xe9\xb1")

// openNaCl decrypts a $NACL keyfile as sdk-spec §2.4 describes it, with no
// gotensor code: argon2i (8 passes, 512 MiB, one lane) of the password,
// then secretbox with the 24-byte nonce that follows the prefix.
func openNaCl(t *testing.T, data []byte, password string) ([]byte, bool) {
	t.Helper()
	require.True(t, bytes.HasPrefix(data, []byte("$NACL")), "a $NACL keyfile")
	body := data[len("$NACL"):]
	require.Greater(t, len(body), 24+secretbox.Overhead)
	var nonce [24]byte
	copy(nonce[:], body[:24])
	var key [32]byte
	copy(key[:], argon2.Key([]byte(password), naclSalt, 8, 512*1024, 1, 32))
	return secretbox.Open(nil, body[24:], &nonce, &key)
}

func TestWalletRegenColdkey_Encrypted(t *testing.T) {
	needBinary(t)
	dir := t.TempDir()
	const password = "Tr0ub4dor&3 horse"
	pwFile := filepath.Join(t.TempDir(), "pw")
	require.NoError(t, os.WriteFile(pwFile, []byte(password+"\n"), 0o600))
	doc := okJSON(t, nil, append(walletArgs(dir, "W"), "wallet", "regen-coldkey", "--mnemonic", leopard,
		"--use-password", "--password-file", pwFile, "--no-prompt")...)
	require.Equal(t, leopardSS58, doc["ss58Address"])
	require.Equal(t, true, doc["encrypted"])

	path := filepath.Join(dir, "W", "coldkey")
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	plain, opened := openNaCl(t, data, password) // the trailing newline of the file is not part of it
	require.True(t, opened, "the keyfile opens with the password as btwallet derives the key")
	var key map[string]any
	require.NoError(t, json.Unmarshal(plain, &key))
	require.Equal(t, leopardPrivate, key["privateKey"])
	require.Equal(t, leopardMiniSecret, key["secretSeed"])
	require.Len(t, data, len("$NACL")+24+secretbox.Overhead+len(plain), "$NACL ‖ nonce ‖ tag ‖ ciphertext")
	if py := pyNaCl(t); py != "" {
		// PyNaCl (libsodium) is what the Bittensor SDK's keyfile code uses.
		out, err := exec.Command(py, "-c", `import sys, nacl.pwhash as p, nacl.secret as s
d = open(sys.argv[1], 'rb').read()
k = p.argon2i.kdf(32, sys.argv[2].encode(), b"\x13q\x83\xdf\xf1Z\t\xbc\x9c\x90\xb5Q\x879\xe9\xb1", opslimit=p.argon2i.OPSLIMIT_SENSITIVE, memlimit=p.argon2i.MEMLIMIT_SENSITIVE)
sys.stdout.write(s.SecretBox(k).decrypt(d[5:]).decode())`, path, password).CombinedOutput()
		require.NoError(t, err, "%s", out)
		require.JSONEq(t, string(plain), string(out))
	}

	// Our own reader opens it with the same password, here from btwallet's
	// BT_PW_ variable (the password XOR the variable's name, base64), and
	// signs with the key.
	require.Equal(t, "BT_PW__HOME_USER__BITTENSOR_WALLETS_DEFAULT_COLDKEY=ID0rJDIxLCc9", // sdk-vectors.json
		btPasswordEnv("/home/user/.bittensor/wallets/default/coldkey", "bittensor"))
	sig := okJSON(t, []string{btPasswordEnv(path, password)}, append(walletArgs(dir, "W"), "wallet", "sign", "--message", "hello")...)
	require.Equal(t, leopardSS58, sig["signer_address"])
	ver := okJSON(t, nil, "wallet", "verify", "--message", "hello", "--signature", sig["signed_message"].(string), "--address", leopardSS58)
	require.Equal(t, true, ver["verified"])

	// A wrong password is reported as such and changes nothing.
	bad := filepath.Join(t.TempDir(), "bad")
	require.NoError(t, os.WriteFile(bad, []byte("not the password\n"), 0o600))
	before := snapshot(t, dir)
	r := fails(t, nil, "wrong password", append(walletArgs(dir, "W"), "wallet", "sign", "--message", "x", "--password-file", bad)...)
	require.Contains(t, r.stderr, "keyfile is damaged", "a damaged file fails the same way, and the hint says so")
	require.Equal(t, before, snapshot(t, dir))
	// With --json and no password source there is no prompt: it says what to pass.
	r = gt(t, nil, append(walletArgs(dir, "W"), "wallet", "sign", "--message", "x", "--json")...)
	require.NotZero(t, r.code)
	require.Contains(t, decode(t, r.stdout)["error"], "--password-file")
}

// btPasswordEnv is the BT_PW_ variable that holds password for the keyfile
// at path, computed as sdk-spec §2.5 describes btwallet's.
func btPasswordEnv(path, password string) string {
	name := "BT_PW_" + strings.ToUpper(strings.NewReplacer("/", "_", ".", "_").Replace(path))
	v := []byte(password)
	for i := range v {
		v[i] ^= name[i%len(name)]
	}
	return name + "=" + base64.StdEncoding.EncodeToString(v)
}

// pyNaCl returns a Python interpreter with PyNaCl, or "" (the check is
// then skipped).
func pyNaCl(t *testing.T) string {
	t.Helper()
	for _, py := range []string{"python3", "/usr/bin/python3"} {
		if exec.Command(py, "-c", "import nacl.pwhash, nacl.secret").Run() == nil {
			return py
		}
	}
	t.Log("PyNaCl not installed: the libsodium cross-check is skipped")
	return ""
}

func TestWalletCreate_URI(t *testing.T) {
	needBinary(t)
	dir := t.TempDir()
	ok(t, nil, append(walletArgs(dir, "alice"), "wallet", "create", "--uri", "//Alice", "--no-use-password", "--no-prompt")...)
	for _, f := range []string{"coldkey", "coldkeypub.txt", "hotkeys/default", "hotkeys/defaultpub.txt"} {
		key := readKeyfile(t, filepath.Join(dir, "alice", f))
		require.Equal(t, alicePublic, key["publicKey"], f)
		require.Equal(t, aliceSS58, key["ss58Address"], f)
	}
	// Creating it again neither overwrites nor prompts.
	before := snapshot(t, dir)
	fails(t, nil, "already exists", append(walletArgs(dir, "alice"), "wallet", "new-hotkey", "--no-use-password", "--no-prompt")...)
	require.Equal(t, before, snapshot(t, dir))
}

// TestWallet_BadInputChangesNothing: every refused command exits non-zero
// with one line naming the problem and leaves the wallets as they were.
func TestWallet_BadInputChangesNothing(t *testing.T) {
	needBinary(t)
	dir := t.TempDir()
	ok(t, nil, append(walletArgs(dir, "alice"), "wallet", "create", "--uri", "//Alice", "--no-use-password", "--no-prompt")...)
	ok(t, nil, append(walletArgs(dir, "corrupt"), "wallet", "create", "--uri", "//Bob", "--no-use-password", "--no-prompt")...)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "corrupt", "coldkey"), []byte(`{"publicKey": "0x12`), 0o600))
	ok(t, nil, append(walletArgs(dir, "truncated"), "wallet", "create", "--uri", "//Charlie", "--no-use-password", "--no-prompt")...)
	hk := filepath.Join(dir, "truncated", "hotkeys", "default")
	data, err := os.ReadFile(hk)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(hk, data[:len(data)/2], 0o600))

	bad := leopard[:strings.LastIndex(leopard, " ")]
	for _, c := range []struct {
		name, want string
		args       []string
	}{
		{"mnemonic checksum", "checksum does not match", append(walletArgs(dir, "new"), "wallet", "regen-coldkey", "--mnemonic", bad+" caution", "--no-use-password", "--no-prompt")},
		{"mnemonic word", `"spacial" is not in the BIP39 English word list`, append(walletArgs(dir, "new"), "wallet", "regen-coldkey", "--mnemonic", bad+" spacial", "--no-use-password", "--no-prompt")},
		{"mnemonic length", "11 words", append(walletArgs(dir, "new"), "wallet", "regen-coldkey", "--mnemonic", bad, "--no-use-password", "--no-prompt")},
		{"ss58 checksum", "bad checksum", append(walletArgs(dir, "new"), "wallet", "regen-coldkeypub", "--ss58", aliceSS58[:47]+"Z", "--no-prompt")},
		{"ss58 length", "bad length", append(walletArgs(dir, "new"), "wallet", "regen-coldkeypub", "--ss58", aliceSS58[:40], "--no-prompt")},
		{"seed", "invalid seed", append(walletArgs(dir, "new"), "wallet", "regen-coldkey", "--seed", "0x1234", "--no-use-password", "--no-prompt")},
		{"missing password file", "password-file", append(walletArgs(dir, "new"), "wallet", "regen-coldkey", "--mnemonic", leopard, "--use-password", "--password-file", filepath.Join(dir, "nope"), "--no-prompt")},
		{"corrupt keyfile", "corrupt", append(walletArgs(dir, "corrupt"), "wallet", "sign", "--message", "x", "--no-prompt")},
		{"truncated keyfile", "corrupt", append(walletArgs(dir, "truncated"), "wallet", "sign", "--use-hotkey", "--message", "x", "--no-prompt")},
		{"existing key", "already exists", append(walletArgs(dir, "alice"), "wallet", "regen-coldkey", "--mnemonic", leopard, "--no-use-password", "--no-prompt")},
		{"no such wallet", "nowallet", append(walletArgs(dir, "nowallet"), "wallet", "sign", "--message", "x", "--no-prompt")},
	} {
		t.Run(c.name, func(t *testing.T) {
			before := snapshot(t, dir)
			fails(t, nil, c.want, c.args...)
			require.Equal(t, before, snapshot(t, dir), "nothing created or changed")
		})
	}
}

// TestWallet_PermissionDenied runs the binary as another user against a
// wallet it may not read or write.
func TestWallet_PermissionDenied(t *testing.T) {
	needBinary(t)
	if os.Geteuid() != 0 {
		t.Skip("needs root to run the binary as another user")
	}
	dir, err := os.MkdirTemp("", "gotensor-acceptance-wallets-")
	require.NoError(t, err)
	t.Cleanup(func() { os.RemoveAll(dir) })
	require.NoError(t, os.Chmod(dir, 0o755)) // others may look, not write
	ok(t, nil, append(walletArgs(dir, "alice"), "wallet", "create", "--uri", "//Alice", "--no-use-password", "--no-prompt")...)
	require.NoError(t, filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		require.NoError(t, err)
		if d.IsDir() {
			return os.Chmod(p, 0o755) // others may look, not write
		}
		return nil
	}))
	asNobody := func(want string, args ...string) {
		t.Helper()
		cmd := exec.Command(bin, args...)
		cmd.Env = env(t, "HOME=/nonexistent")
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
		var out, errOut bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errOut
		err := cmd.Run()
		r := result{args: args, stdout: out.String(), stderr: errOut.String()}
		require.Error(t, err, "%s", r)
		requireErrorLine(t, r, want)
	}
	before := snapshot(t, dir)
	// The keyfile is 0600 and root's; its directory is readable.
	asNobody("permission denied: cannot read "+filepath.Join(dir, "alice", "coldkey"),
		append(walletArgs(dir, "alice"), "wallet", "sign", "--message", "x", "--no-prompt")...)
	asNobody("permission denied", append(walletArgs(dir, "alice"), "wallet", "new-hotkey", "--hotkey", "h2", "--no-use-password", "--no-prompt")...)
	asNobody("permission denied", append(walletArgs(dir, "bob"), "wallet", "create", "--uri", "//Bob", "--no-use-password", "--no-prompt")...)
	require.Equal(t, before, snapshot(t, dir))
}

// snapshot describes every file and directory under dir: path, mode and a
// hash of the content.
func snapshot(t *testing.T, dir string) string {
	t.Helper()
	var lines []string
	require.NoError(t, filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		line := fmt.Sprintf("%s %v", p, info.Mode())
		if !d.IsDir() {
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			line += fmt.Sprintf(" %x", sha256.Sum256(b))
		}
		lines = append(lines, line)
		return nil
	}))
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}
