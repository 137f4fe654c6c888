package wallet

import (
	"encoding/hex"
	"encoding/json"
	"os"
	"testing"

	"github.com/stretchr/testify/require"
)

// walletVectors mirrors computed.wallet_files of sdk-vectors.json (copied
// from /work/shared/reference).
type walletVectors struct {
	Plain struct {
		Keyfile    string `json:"hotkey_or_unencrypted_coldkey_json"`
		Coldkeypub string `json:"coldkeypub_txt_json"`
	} `json:"keyfile_plain"`
	NaCl      naclVector `json:"nacl_keyfile"`
	NaClSmall naclVector `json:"nacl_small"`
	Ansible   struct {
		Password  string `json:"password"`
		Plaintext string `json:"plaintext_utf8"`
		FileText  string `json:"file_text"`
	} `json:"ansible_vault_keyfile"`
	PasswordEnv []struct {
		Path     string `json:"keyfile_path"`
		VarName  string `json:"env_var_name"`
		Password string `json:"password"`
		Value    string `json:"env_value"`
	} `json:"password_env_var"`
}

type naclVector struct {
	Password   string `json:"password"`
	SaltHex    string `json:"salt_hex"`
	DerivedKey string `json:"derived_key_hex"`
	Nonce      string `json:"nonce_hex"`
	Plaintext  string `json:"plaintext_utf8"`
	FileHex    string `json:"file_bytes_hex"`
}

func loadWalletVectors(t *testing.T) *walletVectors {
	t.Helper()
	b, err := os.ReadFile("testdata/sdk-vectors.json")
	require.NoError(t, err)
	var doc struct {
		Computed struct {
			WalletFiles walletVectors `json:"wallet_files"`
		} `json:"computed"`
	}
	require.NoError(t, json.Unmarshal(b, &doc))
	return &doc.Computed.WalletFiles
}

func mustHex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	require.NoError(t, err)
	return b
}

// TestNaCl_Vectors checks the argon2i key, the exact $NACL bytes for a fixed
// nonce, and opening, for both published NaCl vectors. (Two argon2 runs.)
func TestNaCl_Vectors(t *testing.T) {
	v := loadWalletVectors(t)
	for _, c := range []naclVector{v.NaCl, v.NaClSmall} {
		if c.SaltHex != "" {
			require.Equal(t, mustHex(t, c.SaltHex), naclSalt)
		}
		key := naclKey(c.Password)
		require.Equal(t, mustHex(t, c.DerivedKey), key[:])

		var nonce [24]byte
		copy(nonce[:], mustHex(t, c.Nonce))
		file := mustHex(t, c.FileHex)
		require.Equal(t, file, sealNaCl([]byte(c.Plaintext), key, &nonce))

		plain, err := openNaCl(file, key)
		require.NoError(t, err)
		require.Equal(t, c.Plaintext, string(plain))

		var wrong [32]byte
		_, err = openNaCl(file, &wrong)
		require.ErrorIs(t, err, ErrWrongPassword)
		_, err = openNaCl(file[:40], key)
		require.ErrorIs(t, err, ErrCorrupt)
	}
}

// TestDecrypt_NaClKeyfileVector opens the published $NACL keyfile with its
// password through the public API and checks the key inside. (No new argon2
// run: the key is cached from TestNaCl_Vectors when both run; one run
// otherwise.)
func TestDecrypt_NaClKeyfileVector(t *testing.T) {
	v := loadWalletVectors(t)
	plain, err := Decrypt(mustHex(t, v.NaCl.FileHex), v.NaCl.Password)
	require.NoError(t, err)
	require.Equal(t, v.NaCl.Plaintext, string(plain))
	p, err := DecodeKeyfile(plain)
	require.NoError(t, err)
	require.Equal(t, "5HDvhV6WDCjCKyrXqGQSDYqQAzkzabNhctmiDYEqgBC66BsX", p.SS58())
}

func TestDecrypt_AnsibleVaultVector(t *testing.T) {
	v := loadWalletVectors(t).Ansible
	data := []byte(v.FileText)
	require.Equal(t, AnsibleVault, EncryptionOf(data))
	plain, err := Decrypt(data, v.Password)
	require.NoError(t, err)
	require.Equal(t, v.Plaintext, string(plain))

	_, err = Decrypt(data, "not the password")
	require.ErrorIs(t, err, ErrWrongPassword)
	_, err = Decrypt(data[:200], v.Password)
	require.ErrorIs(t, err, ErrCorrupt)
}

// The Fernet vector was made with Python's cryptography package (see
// testdata/fernet-keyfile.json). Its key derivation is ten million
// PBKDF2 rounds, so the test is skipped in -short mode.
func TestDecrypt_FernetVector(t *testing.T) {
	if testing.Short() {
		t.Skip("Fernet key derivation takes seconds")
	}
	b, err := os.ReadFile("testdata/fernet-keyfile.json")
	require.NoError(t, err)
	var v struct {
		Password  string `json:"password"`
		Plaintext string `json:"plaintext_utf8"`
		FileText  string `json:"file_text"`
	}
	require.NoError(t, json.Unmarshal(b, &v))
	require.Equal(t, Fernet, EncryptionOf([]byte(v.FileText)))
	plain, err := Decrypt([]byte(v.FileText), v.Password)
	require.NoError(t, err)
	require.Equal(t, v.Plaintext, string(plain))
}

func TestKeyfile_PlainVectors(t *testing.T) {
	v := loadWalletVectors(t)
	p, err := DecodeKeyfile([]byte(v.Plain.Keyfile))
	require.NoError(t, err)
	// Our encoder writes exactly btwallet's bytes for this key.
	require.Equal(t, v.Plain.Keyfile, string(EncodeKeyfile(p)))
	require.Equal(t, v.Plain.Coldkeypub, string(EncodePublicKeyfile(p.Public())))
	pub, err := DecodePublicKeyfile([]byte(v.Plain.Coldkeypub))
	require.NoError(t, err)
	require.Equal(t, p.Public(), pub)
}

func TestPasswordEnv_Vectors(t *testing.T) {
	for _, c := range loadWalletVectors(t).PasswordEnv {
		require.Equal(t, c.VarName, EnvVarName(c.Path))
		require.Equal(t, c.Value, EncodeEnvPassword(c.VarName, c.Password))
		pw, err := DecodeEnvPassword(c.VarName, c.Value)
		require.NoError(t, err)
		require.Equal(t, c.Password, pw)
	}
	_, err := DecodeEnvPassword("BT_PW_X", "plain password!")
	require.ErrorContains(t, err, "not base64")
}
