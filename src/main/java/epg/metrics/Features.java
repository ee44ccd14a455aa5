// A feature extractor's output for a batch (spec §7): pool features for FID and P/R, spatial: sFID, logits: IS.
package epg.metrics;

import org.bytedeco.pytorch.Tensor;

/**
 * @param pool    [B, D] (Inception: the 2048 pool_3 features; RCM: h)
 * @param spatial [B, 2023] (Inception: first 7 channels of mixed_6/conv, flattened H, W, C as ADM does) or null
 * @param logits  [B, 1008] (Inception: pool_3 · softmax weightsᵀ, no bias, as ADM's IS) or null
 */
public record Features(Tensor pool, Tensor spatial, Tensor logits) {}
