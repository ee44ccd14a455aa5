// Mixed_7b/7c of the FID Inception (pytorch-fid FIDInceptionE_1 / FIDInceptionE_2): 8×8 expanded-filter-bank block.
package epg.metrics;

import epg.nn.Module;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/** The pool branch is the TF-style average pool in Mixed_7b and a 3×3 max pool in Mixed_7c (the FID graph's quirk). */
final class InceptionE extends Module {
    private final BasicConv2d branch1x1, branch3x3_1, branch3x3_2a, branch3x3_2b;
    private final BasicConv2d branch3x3dbl_1, branch3x3dbl_2, branch3x3dbl_3a, branch3x3dbl_3b, branchPool;
    private final boolean maxPool;

    InceptionE(int in, boolean maxPool) {
        this.maxPool = maxPool;
        branch1x1 = child("branch1x1", new BasicConv2d(in, 320));
        branch3x3_1 = child("branch3x3_1", new BasicConv2d(in, 384));
        branch3x3_2a = child("branch3x3_2a", new BasicConv2d(384, 384, 1, 3, 1, 0, 1));
        branch3x3_2b = child("branch3x3_2b", new BasicConv2d(384, 384, 3, 1, 1, 1, 0));
        branch3x3dbl_1 = child("branch3x3dbl_1", new BasicConv2d(in, 448));
        branch3x3dbl_2 = child("branch3x3dbl_2", new BasicConv2d(448, 384, 3, 1, 1));
        branch3x3dbl_3a = child("branch3x3dbl_3a", new BasicConv2d(384, 384, 1, 3, 1, 0, 1));
        branch3x3dbl_3b = child("branch3x3dbl_3b", new BasicConv2d(384, 384, 3, 1, 1, 1, 0));
        branchPool = child("branch_pool", new BasicConv2d(in, 192));
    }

    /** [B, in, 8, 8] → [B, 2048, 8, 8]. */
    Tensor forward(Tensor x) {
        Tensor t = branch3x3_1.forward(x);
        Tensor b3 = torch.cat(new TensorVector(branch3x3_2a.forward(t), branch3x3_2b.forward(t)), 1);
        Tensor d = branch3x3dbl_2.forward(branch3x3dbl_1.forward(x));
        Tensor bd = torch.cat(new TensorVector(branch3x3dbl_3a.forward(d), branch3x3dbl_3b.forward(d)), 1);
        Tensor pool = maxPool ? Pooling.max3(x) : Pooling.avg3(x);
        return torch.cat(new TensorVector(branch1x1.forward(x), b3, bd, branchPool.forward(pool)), 1);
    }
}
