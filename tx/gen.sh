#!/bin/sh
# Regenerates tx/txpb/tx.pb.go from tx/txpb/tx.proto. Run from anywhere.
#
# Needs protoc (Debian: apt-get install protobuf-compiler; 3.21.12 was used)
# and protoc-gen-go at the version go.mod requires for
# google.golang.org/protobuf:
#
#	go install google.golang.org/protobuf/cmd/protoc-gen-go@v1.36.12
#
# The generated file's header records both versions; commit it with the
# .proto change.
set -eu
cd "$(dirname "$0")/txpb"
protoc --go_out=. --go_opt=paths=source_relative tx.proto
