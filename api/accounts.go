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
	doc, err := s.chain.Account(id)
	if err != nil {
		s.writeInternal(w, r, err)
		return
	}
	doc.Address = id
	writeJSON(w, http.StatusOK, doc)
}
