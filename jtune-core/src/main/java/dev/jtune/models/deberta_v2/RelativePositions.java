package dev.jtune.models.deberta_v2;

import dev.jtune.torch.Nn;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

/**
 * Mirrors transformers' DeBERTa-v2 relative-position helpers {@code build_relative_position} and
 * {@code make_log_bucket_position}. The buckets are computed with the same float32 tensor operations as HF
 * (true division, log, ceil), so the rounding at bucket edges is HF's.
 */
final class RelativePositions {
    private RelativePositions() {}

    /**
     * {@code build_relative_position}: (1, queryLen, keyLen) int64 with {@code q - k}, log-bucketed when
     * {@code bucketSize > 0 && maxPosition > 0}.
     */
    static Tensor build(long queryLen, long keyLen, int bucketSize, int maxPosition) {
        TensorOptions longs = new TensorOptions(torch.ScalarType.Long);
        Tensor q = torch.arange(Nn.scalar(0), Nn.scalar(queryLen), longs);
        Tensor k = torch.arange(Nn.scalar(0), Nn.scalar(keyLen), longs);
        Tensor rel = q.unsqueeze(1).sub(k.unsqueeze(0)); // (Lq, Lk)
        if (bucketSize > 0 && maxPosition > 0) rel = logBucket(rel, bucketSize, maxPosition).to(torch.ScalarType.Long);
        return rel.unsqueeze(0); // (1, Lq, Lk)
    }

    /**
     * {@code make_log_bucket_position}: positions within ±bucketSize/2 stay exact, farther ones are mapped
     * logarithmically: {@code sign · (ceil(log(|p| / mid) / log((maxPosition - 1) / mid) · (mid - 1)) + mid)} in float32.
     * Returns float32 (HF converts to int64 afterwards).
     */
    static Tensor logBucket(Tensor rel, int bucketSize, int maxPosition) {
        long mid = bucketSize / 2;
        Tensor sign = rel.sign();
        Tensor inside = rel.lt(new Scalar(mid)).logical_and(rel.gt(new Scalar(-mid)));
        Tensor absPos = torch.where(inside, new Scalar(mid - 1), rel.abs()); // int64
        // torch.tensor((max_position - 1) / mid): a Python float made a float32 tensor, then log in float32
        Tensor logDenominator = torch.log(torch.scalar_tensor(new Scalar((double) (maxPosition - 1) / mid),
                new TensorOptions(torch.ScalarType.Float)));
        Tensor logPos = torch.ceil(torch.log(absPos.div(new Scalar(mid))).div(logDenominator).mul(new Scalar(mid - 1)))
                .add(new Scalar(mid)); // float32
        return torch.where(absPos.le(new Scalar(mid)), rel.to(logPos.scalar_type()), logPos.mul(sign));
    }
}
