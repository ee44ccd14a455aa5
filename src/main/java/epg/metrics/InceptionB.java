// Mixed_6a of Inception-v3 (torchvision InceptionB, unchanged in the FID graph): 35×35 → 17×17 grid reduction.
package epg.metrics;

import epg.nn.Module;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

final class InceptionB extends Module {
    private final BasicConv2d branch3x3, branch3x3dbl_1, branch3x3dbl_2, branch3x3dbl_3;

    InceptionB(int in) {
        branch3x3 = child("branch3x3", new BasicConv2d(in, 384, 3, 2, 0));
        branch3x3dbl_1 = child("branch3x3dbl_1", new BasicConv2d(in, 64));
        branch3x3dbl_2 = child("branch3x3dbl_2", new BasicConv2d(64, 96, 3, 1, 1));
        branch3x3dbl_3 = child("branch3x3dbl_3", new BasicConv2d(96, 96, 3, 2, 0));
    }

    /** [B, 288, 35, 35] → [B, 768, 17, 17]. */
    Tensor forward(Tensor x) {
        Tensor b3 = branch3x3dbl_3.forward(branch3x3dbl_2.forward(branch3x3dbl_1.forward(x)));
        return torch.cat(new TensorVector(branch3x3.forward(x), b3, Pooling.max3s2(x)), 1);
    }
}
