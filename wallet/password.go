package wallet

import (
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ErrWeakPassword is returned by CheckPassword.
var ErrWeakPassword = errors.New("wallet: password not strong enough")

// EnvVarName returns the environment variable btwallet reads a keyfile's
// password from: "BT_PW_" and the keyfile path upper-cased with '/' and
// '.' replaced by '_'. For /home/user/.bittensor/wallets/default/coldkey
// it is BT_PW__HOME_USER__BITTENSOR_WALLETS_DEFAULT_COLDKEY.
func EnvVarName(keyfilePath string) string {
	r := strings.NewReplacer(string(os.PathSeparator), "_", ".", "_")
	return "BT_PW_" + strings.ToUpper(r.Replace(keyfilePath))
}

// EncodeEnvPassword returns the value to put in the variable EnvVarName
// names: base64 of the password XOR-ed with the variable's name. This is
// btwallet's format; it hides the password from a casual look, nothing
// more.
func EncodeEnvPassword(varName, password string) string {
	return base64.StdEncoding.EncodeToString(xorName([]byte(password), varName))
}

// DecodeEnvPassword reverses EncodeEnvPassword.
func DecodeEnvPassword(varName, value string) (string, error) {
	b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(value))
	if err != nil {
		return "", fmt.Errorf("wallet: %s is not base64: set it to the output of `gotensor wallet password-env` (btwallet's format), not the plain password", varName)
	}
	pw := xorName(b, varName)
	if !utf8.Valid(pw) {
		return "", fmt.Errorf("wallet: %s does not decode to a password: was it written for another keyfile path?", varName)
	}
	return string(pw), nil
}

func xorName(b []byte, name string) []byte {
	out := make([]byte, len(b))
	for i, c := range b {
		out[i] = c ^ name[i%len(name)]
	}
	return out
}

// CheckPassword applies a policy close to btwallet's validate_password: at
// least 6 characters and some variety (a score from length and character
// classes, not bit-exact with btwallet's "passwords" crate, which
// compatibility does not need: it only gates new passwords).
func CheckPassword(pw string) error {
	if utf8.RuneCountInString(pw) < 6 {
		return fmt.Errorf("%w: use at least 6 characters", ErrWeakPassword)
	}
	var lower, upper, digit, other bool
	distinct := map[rune]bool{}
	for _, r := range pw {
		distinct[r] = true
		switch {
		case unicode.IsLower(r):
			lower = true
		case unicode.IsUpper(r):
			upper = true
		case unicode.IsDigit(r):
			digit = true
		default:
			other = true
		}
	}
	classes := 0
	for _, ok := range []bool{lower, upper, digit, other} {
		if ok {
			classes++
		}
	}
	if len(distinct) < 4 || (classes < 2 && utf8.RuneCountInString(pw) < 10) {
		return fmt.Errorf("%w: make it longer or mix letters, digits and symbols", ErrWeakPassword)
	}
	return nil
}
