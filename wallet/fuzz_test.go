package wallet

import (
	"bytes"
	"testing"
)

func FuzzDecodeKeyfile(f *testing.F) {
	for _, s := range []string{
		`{"secretPhrase":"old leopard transfer rib spatial phone calm indicate online fire caution review"}`,
		`{"secretSeed":"0xda3cf5b1e9144931a0f0db65664aab662673b099415a7f8121b7245fb0be4143","accountId":null}`,
		`{"privateKey":"0x1f1995bdf3a17b60626a26cfe6f564b337d46056b7a1281b64c649d592ccda0a9cffd34d9fb01cae1fba61aeed184c817442a2186d5172416729a4b54dd4b84e"}`,
		`{"accountId":"0xe4359ad3e2716c539a1d663ebd0a51bdc5c98a12e663bb4c4402db47828c9446","ss58Address":"5HDvhV6WDCjCKyrXqGQSDYqQAzkzabNhctmiDYEqgBC66BsX"}`,
		`0xe4359ad3e2716c539a1d663ebd0a51bdc5c98a12e663bb4c4402db47828c9446`,
		`{"secretSeed":"0xan ascii seed of 32 bytes length"}`,
		`null`, `[]`, `{"secretPhrase":1}`, "$NACL", "",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		pub, pubErr := DecodePublicKeyfile(data)
		p, err := DecodeKeyfile(data)
		if err != nil {
			return
		}
		// A decodable secret keyfile names the same public key, and its
		// re-encoding decodes to the same key.
		if pubErr != nil || pub != p.Public() {
			t.Fatalf("public %v (%v) vs secret %v", pub, pubErr, p.Public())
		}
		again, err := DecodeKeyfile(EncodeKeyfile(p))
		if err != nil || !bytes.Equal(again.Secret(), p.Secret()) {
			t.Fatalf("round trip: %v", err)
		}
	})
}

// FuzzOpenEncrypted feeds damaged $NACL and Ansible Vault data to the
// decoders with fixed keys (no argon2 per input). Fernet is left out: a
// well-formed token costs ten million PBKDF2 rounds.
func FuzzOpenEncrypted(f *testing.F) {
	f.Add([]byte("$NACL" + string(make([]byte, 60))))
	f.Add([]byte("$ANSIBLE_VAULT;1.1;AES256\n3031\n"))
	f.Add([]byte("$ANSIBLE_VAULT;1.1;AES256\n" + "3030300a3030300a303030"))
	f.Add([]byte("$ANSIBLE_VAULT"))
	var key [32]byte
	f.Fuzz(func(t *testing.T, data []byte) {
		switch EncryptionOf(data) {
		case NaCl:
			_, _ = openNaCl(data, &key)
		case AnsibleVault:
			_, _ = openAnsibleVault(data, "pw")
		}
	})
}
