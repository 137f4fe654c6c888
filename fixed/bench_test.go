package fixed

import "testing"

var sinkI32 I32F32
var sinkI64 I64F64

func BenchmarkI32F32Mul(b *testing.B) {
	x, y := I32F32FromRatio(1, 3), I32F32FromRatio(2, 7)
	for range b.N {
		sinkI32 = x.SaturatingMul(y)
	}
}

func BenchmarkI32F32SafeDiv(b *testing.B) {
	x, y := I32F32FromRatio(1, 3), I32F32FromRatio(2, 7)
	for range b.N {
		sinkI32 = x.SafeDiv(y)
	}
}

func BenchmarkI64F64Mul(b *testing.B) {
	x, y := I64F64FromRatio(1, 3), I64F64FromRatio(2, 7)
	for range b.N {
		sinkI64 = x.SaturatingMul(y)
	}
}

func BenchmarkI64F64SafeDiv(b *testing.B) {
	x, y := I64F64FromInt(123456789), I64F64FromInt(987654321987)
	for range b.N {
		sinkI64 = x.SafeDiv(y)
	}
}

func BenchmarkConvertI64F64ToI32F32(b *testing.B) {
	x := I64F64FromRatio(1, 3)
	for range b.N {
		sinkI32 = Convert[I32F32](x)
	}
}
