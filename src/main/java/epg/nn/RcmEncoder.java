// The RCM pre-training network "RCMViT" (spec §2.1): returns (projection_head(h), h) with h the normed CLS output.
package epg.nn;

import epg.config.ModelConfig;
import org.bytedeco.pytorch.Tensor;

/** The RCM pre-training network: a ViT encoder whose normed CLS output h goes through the projection head. */
public final class RcmEncoder extends VitEncoder {
    private final Projector projector;

    public RcmEncoder(ModelConfig c) {
        super(c);
        if (c.kind() != ModelConfig.Kind.RCM) throw new IllegalArgumentException(c.name() + " is not an RCM preset");
        this.projector = new Projector(child("projection_head", new ModuleList<>()), c.dim(), c.projHidden(),
                c.projOut(), c.projLayers());
    }

    /** Training mode on or off; returns this RcmEncoder. */
    @Override
    public RcmEncoder train(boolean on) {
        super.train(on);
        return this;
    }

    /** Evaluation mode; returns this RcmEncoder. */
    @Override
    public RcmEncoder eval() {
        super.eval();
        return this;
    }

    /** Moves every tensor to {@code device} in place; returns this RcmEncoder. */
    @Override
    public RcmEncoder to(org.bytedeco.pytorch.Device device) {
        super.to(device);
        return this;
    }

    /** The projector's BatchNorm layers use the global batch's statistics over {@code sync}'s replicas (spec §3). */
    public void synchronise(ReplicaSum sync) { projector.synchronise(sync); }

    /** The pair of spec §2.1. */
    public record Output(Tensor proj, Tensor h) {}

    /** x [B, C, H, W] (already c_in-scaled), time condition c(σ) [B] → (proj [B, out], h [B, D]). */
    public Output forward(Tensor x, Tensor timeCondition) {
        Tensor h = representation(x, timeCondition);  // [B, D]
        return new Output(projector.forward(h), h);
    }

    /** The projection head on h [B, D] → [B, out] (BatchNorm in training mode uses this batch's statistics). */
    public Tensor project(Tensor h) { return projector.forward(h); }

    /** h alone, without the projector (for diagnostics and feature extraction). */
    public Tensor representation(Tensor x, Tensor timeCondition) {
        Tensor seq = embed(x, timeToken(timeCondition), clsToken);     // [B, 2+L, D]
        return norm.forward(runBlocks(seq, null).select(1, 0));        // [B, D]
    }
}
