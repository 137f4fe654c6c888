package api

import (
	"net/http"

	"github.com/gotensor/gotensor/api/apitypes"
	"github.com/gotensor/gotensor/tao"
)

func (s *Server) handleAccount(w http.ResponseWriter, r *http.Request) {
	id, err := tao.ParseAccountID(r.PathValue("address"))
	if err != nil {
		writeError(w, http.StatusBadRequest, errorf(apitypes.CodeBadAddress, "%v", err))
		return
	}
	free, nonce, height, err := s.chain.Account(id)
	if err != nil {
		s.writeInternal(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, apitypes.Account{Address: id, Free: free, Nonce: nonce, Height: height})
}
