// Mixed_6b–6e of the FID Inception (pytorch-fid FIDInceptionC): 17×17 factorised 7×7 block, TF-style average pool.
package epg.metrics;

import epg.nn.Module;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/** Output channels 0–191 are the branch1x1 unit: in Mixed_6d that is the TF graph's {@code mixed_6/conv} (sFID). */
final class InceptionC extends Module {
    private final BasicConv2d branch1x1, branch7x7_1, branch7x7_2, branch7x7_3;
    private final BasicConv2d branch7x7dbl_1, branch7x7dbl_2, branch7x7dbl_3, branch7x7dbl_4, branch7x7dbl_5,
            branchPool;

    InceptionC(int in, int c7) {
        branch1x1 = child("branch1x1", new BasicConv2d(in, 192));
        branch7x7_1 = child("branch7x7_1", new BasicConv2d(in, c7));
        branch7x7_2 = child("branch7x7_2", row(c7, c7));
        branch7x7_3 = child("branch7x7_3", column(c7, 192));
        branch7x7dbl_1 = child("branch7x7dbl_1", new BasicConv2d(in, c7));
        branch7x7dbl_2 = child("branch7x7dbl_2", column(c7, c7));
        branch7x7dbl_3 = child("branch7x7dbl_3", row(c7, c7));
        branch7x7dbl_4 = child("branch7x7dbl_4", column(c7, c7));
        branch7x7dbl_5 = child("branch7x7dbl_5", row(c7, 192));
        branchPool = child("branch_pool", new BasicConv2d(in, 192));
    }

    /** A 1×7 kernel, padding (0, 3). */
    static BasicConv2d row(int in, int out) { return new BasicConv2d(in, out, 1, 7, 1, 0, 3); }

    /** A 7×1 kernel, padding (3, 0). */
    static BasicConv2d column(int in, int out) { return new BasicConv2d(in, out, 7, 1, 1, 3, 0); }

    /** [B, 768, 17, 17] → [B, 768, 17, 17]. */
    Tensor forward(Tensor x) {
        Tensor b7 = branch7x7_3.forward(branch7x7_2.forward(branch7x7_1.forward(x)));
        Tensor d = branch7x7dbl_1.forward(x);
        d = branch7x7dbl_5.forward(branch7x7dbl_4.forward(branch7x7dbl_3.forward(branch7x7dbl_2.forward(d))));
        return torch.cat(new TensorVector(branch1x1.forward(x), b7, d, branchPool.forward(Pooling.avg3(x))), 1);
    }
}
