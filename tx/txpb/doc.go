// Package txpb is the protobuf code generated from tx.proto by ../gen.sh.
// Do not use it directly: package tx decodes, validates and builds
// transactions and is the only importer of txpb.
package txpb
