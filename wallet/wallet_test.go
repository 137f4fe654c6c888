package wallet_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gotensor/gotensor/keys"
	"github.com/gotensor/gotensor/wallet"
)

func pair(t *testing.T, uri string) *keys.Pair {
	t.Helper()
	p, err := keys.FromURI(uri)
	require.NoError(t, err)
	return p
}

func newWallet(t *testing.T) wallet.Wallet {
	t.Helper()
	w, err := wallet.New(t.TempDir(), "alice", "default")
	require.NoError(t, err)
	return w
}

// snapshot returns every file under dir with its contents, to check that a
// failed operation changed nothing.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	require.NoError(t, filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		require.NoError(t, err)
		if !d.IsDir() {
			b, err := os.ReadFile(p)
			require.NoError(t, err)
			out[p] = string(b)
		}
		return nil
	}))
	return out
}

func TestWallet_Layout(t *testing.T) {
	w := newWallet(t)
	cold, hot := pair(t, testPhrase), pair(t, "//Alice")
	require.NoError(t, w.SetColdkey(cold, wallet.SaveOptions{}))
	require.NoError(t, w.SetHotkey(hot, wallet.SaveOptions{}))

	for _, rel := range []string{"coldkey", "coldkeypub.txt", "hotkeys/default", "hotkeys/defaultpub.txt"} {
		fi, err := os.Stat(filepath.Join(w.Path, "alice", rel))
		require.NoError(t, err, rel)
		require.Equal(t, os.FileMode(0o600), fi.Mode().Perm(), rel)
	}
	entries, err := os.ReadDir(filepath.Join(w.Path, "alice", "hotkeys"))
	require.NoError(t, err)
	require.Len(t, entries, 2, "no temporary files left behind")

	pubJSON, err := os.ReadFile(w.ColdkeyPubFile().Path)
	require.NoError(t, err)
	require.Equal(t, string(wallet.EncodePublicKeyfile(cold.Public())), string(pubJSON))

	got, err := w.UnlockColdkey(nil)
	require.NoError(t, err)
	require.Equal(t, cold.Secret(), got.Secret())
	require.Equal(t, testPhrase, got.Phrase())
	pub, err := w.ColdkeyPub()
	require.NoError(t, err)
	require.Equal(t, cold.Public(), pub)
	hpub, err := w.HotkeyPub()
	require.NoError(t, err)
	require.Equal(t, hot.Public(), hpub)
}

func TestWallet_NeverOverwritesWithoutAsking(t *testing.T) {
	w := newWallet(t)
	require.NoError(t, w.SetColdkey(pair(t, "//Alice"), wallet.SaveOptions{}))
	before := snapshot(t, w.Path)

	err := w.SetColdkey(pair(t, "//Bob"), wallet.SaveOptions{})
	require.ErrorIs(t, err, wallet.ErrExists)
	require.ErrorContains(t, err, w.ColdkeyFile().Path)
	require.Equal(t, before, snapshot(t, w.Path))

	// Only the public file exists: still refused, still unchanged.
	require.NoError(t, os.Remove(w.ColdkeyFile().Path))
	before = snapshot(t, w.Path)
	require.ErrorIs(t, w.SetColdkey(pair(t, "//Bob"), wallet.SaveOptions{}), wallet.ErrExists)
	require.Equal(t, before, snapshot(t, w.Path))

	require.NoError(t, w.SetColdkey(pair(t, "//Bob"), wallet.SaveOptions{Overwrite: true}))
	pub, err := w.ColdkeyPub()
	require.NoError(t, err)
	require.Equal(t, pair(t, "//Bob").Public(), pub)
}

func TestWallet_PublicFallbacks(t *testing.T) {
	w := newWallet(t)
	_, err := w.ColdkeyPub()
	require.ErrorIs(t, err, wallet.ErrNotFound)

	// btwallet < 3.1 wrote no hotkey pub file: read the hotkey itself.
	require.NoError(t, w.HotkeyFile().Save(pair(t, "//Bob"), wallet.SaveOptions{}))
	pub, err := w.HotkeyPub()
	require.NoError(t, err)
	require.Equal(t, pair(t, "//Bob").Public(), pub)

	// Watch-only: coldkeypub.txt without a coldkey.
	require.NoError(t, w.SetColdkeyPub(pair(t, "//Alice").Public(), false))
	pub, err = w.ColdkeyPub()
	require.NoError(t, err)
	require.Equal(t, pair(t, "//Alice").Public(), pub)
	_, err = w.UnlockColdkey(nil)
	require.ErrorIs(t, err, wallet.ErrNotFound)
}

func TestWallet_CorruptFilesAreReported(t *testing.T) {
	w := newWallet(t)
	require.NoError(t, w.SetColdkey(pair(t, "//Alice"), wallet.SaveOptions{}))
	data, err := os.ReadFile(w.ColdkeyFile().Path)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(w.ColdkeyFile().Path, data[:len(data)/2], 0o600))
	_, err = w.UnlockColdkey(nil)
	require.ErrorIs(t, err, wallet.ErrCorrupt)
	require.ErrorContains(t, err, w.ColdkeyFile().Path)

	require.NoError(t, os.WriteFile(w.ColdkeyPubFile().Path, []byte("0x12"), 0o600))
	_, err = w.ColdkeyPub()
	require.ErrorIs(t, err, wallet.ErrCorrupt)
}

func TestWallet_UnreadableFile(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root reads files regardless of their mode")
	}
	w := newWallet(t)
	require.NoError(t, w.SetColdkey(pair(t, "//Alice"), wallet.SaveOptions{}))
	require.NoError(t, os.Chmod(w.ColdkeyFile().Path, 0))
	_, err := w.UnlockColdkey(nil)
	require.ErrorIs(t, err, wallet.ErrPermission)

	ro := filepath.Join(t.TempDir(), "ro")
	require.NoError(t, os.Mkdir(ro, 0o500))
	w2, err := wallet.New(ro, "x", "default")
	require.NoError(t, err)
	require.ErrorIs(t, w2.SetColdkey(pair(t, "//Alice"), wallet.SaveOptions{}), wallet.ErrPermission)
}

func TestWallet_WriteFailsCleanly(t *testing.T) {
	// The wallet path is a regular file: nothing can be written, and
	// nothing is.
	dir := t.TempDir()
	blocker := filepath.Join(dir, "wallets")
	require.NoError(t, os.WriteFile(blocker, []byte("x"), 0o600))
	w, err := wallet.New(blocker, "alice", "default")
	require.NoError(t, err)
	require.Error(t, w.SetColdkey(pair(t, "//Alice"), wallet.SaveOptions{}))
	require.Equal(t, map[string]string{blocker: "x"}, snapshot(t, dir))
}

func TestNew_RejectsPathNames(t *testing.T) {
	for _, name := range []string{"", ".", "..", "a/b", `a\b`, "../x"} {
		_, err := wallet.New(t.TempDir(), name, "default")
		require.ErrorIs(t, err, wallet.ErrBadName, name)
		_, err = wallet.New(t.TempDir(), "ok", name)
		require.ErrorIs(t, err, wallet.ErrBadName, name)
	}
}

func TestKeyfile_EnvVarNameMatchesBtwallet(t *testing.T) {
	w, err := wallet.New("/home/user/.bittensor/wallets/", "default", "miner.1")
	require.NoError(t, err)
	require.Equal(t, "/home/user/.bittensor/wallets/default/coldkey", w.ColdkeyFile().Path)
	require.Equal(t, "BT_PW__HOME_USER__BITTENSOR_WALLETS_DEFAULT_COLDKEY", w.ColdkeyFile().EnvVarName())
	require.Equal(t, "BT_PW__HOME_USER__BITTENSOR_WALLETS_DEFAULT_HOTKEYS_MINER_1", w.HotkeyFile().EnvVarName())
}

func TestList(t *testing.T) {
	dir := t.TempDir()
	mk := func(name string) wallet.Wallet {
		w, err := wallet.New(dir, name, "default")
		require.NoError(t, err)
		return w
	}
	b := mk("b")
	require.NoError(t, b.SetColdkey(pair(t, "//Bob"), wallet.SaveOptions{}))
	for _, h := range []string{"h2", "h1"} {
		hw, err := b.WithHotkey(h)
		require.NoError(t, err)
		require.NoError(t, hw.SetHotkey(pair(t, "//Bob//"+h), wallet.SaveOptions{}))
	}
	pubOnly, err := b.WithHotkey("watch")
	require.NoError(t, err)
	require.NoError(t, pubOnly.SetHotkeyPub(pair(t, "//w").Public(), false))
	require.NoError(t, mk("a").SetColdkeyPub(pair(t, "//Alice").Public(), false))
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "not-a-wallet"), 0o700))

	list, err := wallet.List(dir)
	require.NoError(t, err)
	require.Len(t, list, 2)
	require.Equal(t, "a", list[0].Name)
	require.True(t, list[0].Coldkey.NoSecret)
	require.False(t, list[1].Coldkey.NoSecret)
	require.Equal(t, pair(t, "//Alice").SS58(), list[0].Coldkey.Address)
	require.Equal(t, "b", list[1].Name)
	require.Equal(t, pair(t, "//Bob").SS58(), list[1].Coldkey.Address)
	var names []string
	for _, h := range list[1].Hotkeys {
		names = append(names, h.Name)
	}
	require.Equal(t, []string{"h1", "h2", "watch"}, names)
	require.Equal(t, pair(t, "//Bob//h1").SS58(), list[1].Hotkeys[0].Address)
	require.Equal(t, pair(t, "//w").SS58(), list[1].Hotkeys[2].Address)
	require.True(t, list[1].Hotkeys[2].NoSecret)
	require.False(t, list[1].Hotkeys[0].NoSecret)

	missing, err := wallet.List(filepath.Join(dir, "nope"))
	require.NoError(t, err)
	require.Empty(t, missing)
}

// TestWallet_EncryptedRoundTrip writes a NaCl coldkey and unlocks it with
// the right password, a wrong one (error, file untouched), a retried
// prompt, and the BT_PW_ variable. Two argon2 derivations.
func TestWallet_EncryptedRoundTrip(t *testing.T) {
	if testing.Short() {
		t.Skip("argon2 with 512 MiB takes seconds")
	}
	const pw = "thisisafakepassword" // the NaCl vector's, so argon2 runs once for both tests
	w := newWallet(t)
	alice := pair(t, "//Alice")
	require.NoError(t, w.SetColdkey(alice, wallet.SaveOptions{Password: pw}))
	enc, err := w.ColdkeyFile().Encryption()
	require.NoError(t, err)
	require.Equal(t, wallet.NaCl, enc)
	pub, err := w.ColdkeyPub()
	require.NoError(t, err)
	require.Equal(t, alice.Public(), pub, "coldkeypub.txt is never encrypted")
	before := snapshot(t, w.Path)

	fixed := func(s string) wallet.PasswordFunc {
		return func(wallet.Keyfile, int) (string, bool, error) { return s, false, nil }
	}
	_, err = w.UnlockColdkey(nil)
	require.ErrorIs(t, err, wallet.ErrEncrypted)
	_, err = w.UnlockColdkey(fixed("wrong"))
	require.ErrorIs(t, err, wallet.ErrWrongPassword)
	require.Equal(t, before, snapshot(t, w.Path))

	tries := 0
	retrying := func(_ wallet.Keyfile, attempt int) (string, bool, error) {
		tries = attempt
		if attempt == 1 {
			return "wrong", true, nil
		}
		return pw, true, nil
	}
	got, err := w.UnlockColdkey(retrying)
	require.NoError(t, err)
	require.Equal(t, 2, tries)
	require.Equal(t, alice.Secret(), got.Secret())

	name := w.ColdkeyFile().EnvVarName()
	t.Setenv(name, wallet.EncodeEnvPassword(name, pw))
	got, err = w.UnlockColdkey(nil)
	require.NoError(t, err)
	require.Equal(t, alice.Public(), got.Public())
	t.Setenv(name, wallet.EncodeEnvPassword(name, "wrong"))
	_, err = w.UnlockColdkey(fixed(pw))
	require.ErrorIs(t, err, wallet.ErrWrongPassword)
	require.ErrorContains(t, err, name)
}
