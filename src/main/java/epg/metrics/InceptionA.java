// Mixed_5b/5c/5d of the FID Inception (pytorch-fid FIDInceptionA): 35×35 block, TF-style average-pool branch.
package epg.metrics;

import epg.nn.Module;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

final class InceptionA extends Module {
    private final BasicConv2d branch1x1, branch5x5_1, branch5x5_2, branch3x3dbl_1, branch3x3dbl_2, branch3x3dbl_3,
            branchPool;

    InceptionA(int in, int poolFeatures) {
        branch1x1 = child("branch1x1", new BasicConv2d(in, 64));
        branch5x5_1 = child("branch5x5_1", new BasicConv2d(in, 48));
        branch5x5_2 = child("branch5x5_2", new BasicConv2d(48, 64, 5, 1, 2));
        branch3x3dbl_1 = child("branch3x3dbl_1", new BasicConv2d(in, 64));
        branch3x3dbl_2 = child("branch3x3dbl_2", new BasicConv2d(64, 96, 3, 1, 1));
        branch3x3dbl_3 = child("branch3x3dbl_3", new BasicConv2d(96, 96, 3, 1, 1));
        branchPool = child("branch_pool", new BasicConv2d(in, poolFeatures));
    }

    /** [B, in, 35, 35] → [B, 224 + poolFeatures, 35, 35]. */
    Tensor forward(Tensor x) {
        Tensor b5 = branch5x5_2.forward(branch5x5_1.forward(x));
        Tensor b3 = branch3x3dbl_3.forward(branch3x3dbl_2.forward(branch3x3dbl_1.forward(x)));
        return torch.cat(new TensorVector(branch1x1.forward(x), b5, b3, branchPool.forward(Pooling.avg3(x))), 1);
    }
}
