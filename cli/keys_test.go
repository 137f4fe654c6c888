package cli

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// Expected values are published vectors (sdk-vectors.json: Substrate dev
// accounts, btwallet tests, @polkadot/util-crypto).
func TestKeysInspect_JSON(t *testing.T) {
	cases := []struct {
		uri, publicKey, ss58, seed string
	}{
		{"//Alice", "0xd43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d", aliceAddress, ""},
		{"//Bob//stash", "0xfe65717dad0447d715f660a0a58411de509b42e6efb8375f562f58a554d5860e", "5HpG9w8EBLe5XCrbczpwq5TSXvedjrBGCwqxK1iQ7qUsSWFc", ""},
		{"//Alice/0", "0x9057db4878163172ea51d570612043a98971737bf608b544991130ac110b0801", "5FKxrLQM24ZhLxcaQfJR3uMxMZh5gU6E4CP3yghPJLzCDnHN", ""},
		{oldLeopard, "0xe4359ad3e2716c539a1d663ebd0a51bdc5c98a12e663bb4c4402db47828c9446", oldLeopardAddress, "0xda3cf5b1e9144931a0f0db65664aab662673b099415a7f8121b7245fb0be4143"},
		{oldLeopard + "/Alice", "0xbe88c9ac750d3e51d185be04299fd67e182c09dc219825eb0bb9ad8f882f2f03", "5GNXbA46ma5dg19GXdiKi5JH3mnkZ8Yea3bBtZAvj7t99P9i", ""},
		{"abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about///Substrate", "0x7ca8f71a700a713e470b93fd69e9e43ba08abac5fdeb7cb349c7fc157c72b803", "5Et9zFyTmAeRcmcwCGVPvMTktj2RtWChpcH8th5GzUc4GzaM", "0x44e9d125f037ac1d51f0a7d3649689d422c2af8b1ec8e00d71db4d7bf6d127e3"},
		{"0xe5be9a5092b81bca64be81d212e7f2f9eba183bb7a90954f7b76361f6edb5c0a", "0xd43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d", aliceAddress, "0xe5be9a5092b81bca64be81d212e7f2f9eba183bb7a90954f7b76361f6edb5c0a"},
	}
	for _, c := range cases {
		t.Run(c.uri, func(t *testing.T) {
			doc := runJSON(t, "keys", "inspect", c.uri)
			require.Equal(t, c.publicKey, doc["publicKey"])
			require.Equal(t, c.ss58, doc["ss58Address"])
			if c.seed == "" {
				require.NotContains(t, doc, "secretSeed")
			} else {
				require.Equal(t, c.seed, doc["secretSeed"])
			}
		})
	}
}

func TestKeysInspect_Formats(t *testing.T) {
	doc := runJSON(t, "keys", "inspect", "//Alice", "--ss58-format", "0")
	require.Equal(t, "15oF4uVJwmo4TdGW7VfQxNLavjCXviqxT9S1MgbjMNHr6Sp5", doc["ss58Address"])
	require.Equal(t, float64(0), doc["networkId"])
	doc = runJSON(t, "keys", "inspect", "//Alice", "--ss58-format", "1000")
	require.Equal(t, "vji5kpxBaPKwct6PAdHiJUPCU1hqBEAPaLMF59sXAjn4NeEaJ", doc["ss58Address"])

	// An address is decoded (any prefix) and re-encoded.
	doc = runJSON(t, "keys", "inspect", "16ADqpMa4yzfmWs3nuTSMhfZ2ckeGtvqhPWCNqECEGDcGgU2", "--ss58-format", "42")
	require.Equal(t, oldLeopardAddress, doc["ss58Address"])
	require.NotContains(t, doc, "secretSeed")
	doc = runJSON(t, "keys", "inspect", "--public", "0xaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")
	require.Equal(t, "5FvUhL6sQ5egLAvnyiY1n7gTuhmYg9sD3oJbvASWkpNULt3n", doc["ss58Address"])

	r := run(t, "", "keys", "inspect", "//Alice")
	require.Equal(t, 0, r.code)
	require.Regexp(t, `SS58 Address: +`+aliceAddress, r.stdout)
}

func TestKeysInspect_Errors(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{strings.Replace(oldLeopard, "rib", "ribbit", 1)}, `word 4 "ribbit" is not in the BIP39 English word list`},
		{[]string{strings.Replace(oldLeopard, "review", "abandon", 1)}, "checksum does not match"},
		{[]string{"5F3sa2TJAWMqDhXG6jhV4N8ko9rLbc4B52kmxXJoN5D3ue8w"}, "bad checksum"},
		{[]string{"5F3sa2TJAWMqDhXG6jhV4N8ko9rLbc4B52kmxXJoN5D3u"}, "bad length"},
		{[]string{"//Alice/"}, "empty junction"},
		{[]string{"0x1234"}, "64 hex digits"},
		{[]string{"//Alice", "--ss58-format", "70000"}, "--ss58-format 70000"},
		{[]string{"--public", "zz"}, "--public"},
		{[]string{"--no-prompt"}, "required"},
	}
	for _, c := range cases {
		r := run(t, "", append([]string{"keys", "inspect"}, c.args...)...)
		requireFails(t, r, c.want)
		require.Empty(t, r.stdout)
	}
	// In JSON mode the error is the one JSON document.
	r := run(t, "", "keys", "inspect", "//Alice/", "--json")
	require.NotEqual(t, 0, r.code)
	var doc map[string]any
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &doc))
	require.Equal(t, false, doc["success"])
}

func TestKeysGenerate(t *testing.T) {
	doc := runJSON(t, "keys", "generate", "--words", "15")
	phrase := doc["secretPhrase"].(string)
	require.Len(t, strings.Fields(phrase), 15)
	again := runJSON(t, "keys", "inspect", phrase)
	require.Equal(t, doc["ss58Address"], again["ss58Address"])
	require.Equal(t, doc["secretSeed"], again["secretSeed"])
	requireFails(t, run(t, "", "keys", "generate", "--words", "11"), "--words 11")
}
