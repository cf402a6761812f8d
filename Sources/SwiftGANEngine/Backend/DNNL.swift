import CDNNL
import SwiftGANDNNL

/// Calls into the oneDNN wrapper (`SwiftGANDNNL`, the one place that speaks oneDNN's API),
/// turning its status codes into a crash with the shapes that failed: a status here is a bug
/// in SwiftGAN's shape checks, not a user error.
enum DNNL {
    /// The oneDNN version in use, such as "2.6.3".
    static var version: String {
        guard let v = dnnl_version()?.pointee else { return "unknown" }
        return "\(v.major).\(v.minor).\(v.patch)"
    }

    static func sgemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float,
                      a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                      beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        if m == 0 || n == 0 { return }
        let status = sg_dnnl_sgemm(transposeA ? 84 : 78, transposeB ? 84 : 78,  // "T" or "N"
                                   Int64(m), Int64(n), Int64(k), alpha, a, Int64(lda), b, Int64(ldb), beta, c, Int64(ldc))
        precondition(status == 0, "dnnl_sgemm failed with status \(status) for m=\(m) n=\(n) k=\(k)")
    }

    static func batchedMatmul(batch: Int, transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
                              a: UnsafePointer<Float>, b: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>) {
        if batch == 0 || m == 0 || n == 0 { return }
        let status = sg_dnnl_batched_matmul(transposeA ? 1 : 0, transposeB ? 1 : 0, Int64(batch), Int64(m), Int64(n), Int64(k), a, b, c)
        precondition(status == 0, "oneDNN batched matmul failed with status \(status) for batch=\(batch) m=\(m) n=\(n) k=\(k)")
    }

    static func check(_ status: Int32, _ what: String, _ geometry: ConvGeometry) {
        precondition(status == 0, "oneDNN \(what) failed with status \(status) for \(geometry)")
    }
}
