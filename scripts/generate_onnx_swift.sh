#!/usr/bin/env bash
# Regenerates Sources/SwiftGANExport/onnx_subset.pb.swift from Protos/onnx_subset.proto.
# Needs protoc (Debian: protobuf-compiler) and protoc-gen-swift of the swift-protobuf version
# Package.swift names, built once outside the project:
#   git clone https://github.com/apple/swift-protobuf && cd swift-protobuf && git checkout 1.39.0
#   swift build -c release --product protoc-gen-swift
# then PROTOC_GEN_SWIFT=/path/to/swift-protobuf/.build/release/protoc-gen-swift bash scripts/generate_onnx_swift.sh
set -euo pipefail
cd "$(dirname "$0")/.."
plugin="${PROTOC_GEN_SWIFT:-$(command -v protoc-gen-swift || true)}"
[ -x "$plugin" ] || { echo "generate_onnx_swift: set PROTOC_GEN_SWIFT to a built protoc-gen-swift" >&2; exit 1; }
protoc --plugin=protoc-gen-swift="$plugin" --proto_path=Protos \
       --swift_opt=Visibility=Public --swift_out=Sources/SwiftGANExport onnx_subset.proto
echo "wrote Sources/SwiftGANExport/onnx_subset.pb.swift"
