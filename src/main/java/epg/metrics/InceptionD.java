// Mixed_7a of Inception-v3 (torchvision InceptionD, unchanged in the FID graph): 17×17 → 8×8 grid reduction.
package epg.metrics;

import epg.nn.Module;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

final class InceptionD extends Module {
    private final BasicConv2d branch3x3_1, branch3x3_2, branch7x7x3_1, branch7x7x3_2, branch7x7x3_3, branch7x7x3_4;

    InceptionD(int in) {
        branch3x3_1 = child("branch3x3_1", new BasicConv2d(in, 192));
        branch3x3_2 = child("branch3x3_2", new BasicConv2d(192, 320, 3, 2, 0));
        branch7x7x3_1 = child("branch7x7x3_1", new BasicConv2d(in, 192));
        branch7x7x3_2 = child("branch7x7x3_2", InceptionC.row(192, 192));
        branch7x7x3_3 = child("branch7x7x3_3", InceptionC.column(192, 192));
        branch7x7x3_4 = child("branch7x7x3_4", new BasicConv2d(192, 192, 3, 2, 0));
    }

    /** [B, 768, 17, 17] → [B, 1280, 8, 8]. */
    Tensor forward(Tensor x) {
        Tensor b3 = branch3x3_2.forward(branch3x3_1.forward(x));
        Tensor b7 = branch7x7x3_4.forward(branch7x7x3_3.forward(branch7x7x3_2.forward(branch7x7x3_1.forward(x))));
        return torch.cat(new TensorVector(b3, b7, Pooling.max3s2(x)), 1);
    }
}
