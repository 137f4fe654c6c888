package api

import "net/http"

func (s *Server) handleAccount(w http.ResponseWriter, r *http.Request) {
	id, e := pathAccount(r, "address")
	if e != nil {
		writeError(w, http.StatusBadRequest, e)
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
