// The FID Inception-v3 (spec §7): TensorFlow's 2015 graph as pytorch-fid re-implements it (FIDInceptionV3).
package epg.metrics;

import epg.nn.Linear;
import epg.nn.Module;
import epg.tensor.Checkpoints;
import epg.tensor.Safetensors;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Parameter names are pytorch-fid's state-dict keys, so its released weights file loads as is. Input: bilinear resize
 * to 299×299 (align_corners=False), then 2x − 1. Outputs (see {@link Features}): pool_3 (2048); the sFID features,
 * ADM's {@code mixed_6/conv:0} — the TF graph's mixed_6 is torchvision's Mixed_6d and its {@code conv} the branch1x1
 * unit (Conv-BN-ReLU), i.e. output channels 0–6 of Mixed_6d, 7·17·17 = 2023 values flattened in (H, W, C) order
 * like ADM's NHWC tensors; and the logits pool_3·Wᵀ of the 1008-way softmax layer without its bias (ADM's
 * softmax/logits/MatMul).
 */
public final class InceptionV3 extends Module implements FeatureExtractor {
    public static final String ID = "inception-v3-fid", WEIGHTS_FILE = "pt_inception-2015-12-05-6726825d.pth",
            WEIGHTS_URL = "https://github.com/mseitzer/pytorch-fid/releases/download/fid_weights/" + WEIGHTS_FILE;
    public static final int SIZE = 299, CLASSES = 1008, POOL = 2048, SPATIAL_CHANNELS = 7;

    private final BasicConv2d conv1a, conv2a, conv2b, conv3b, conv4a;
    private final InceptionA mixed5b, mixed5c, mixed5d;
    private final InceptionB mixed6a;
    private final InceptionC mixed6b, mixed6c, mixed6d, mixed6e;
    private final InceptionD mixed7a;
    private final InceptionE mixed7b, mixed7c;
    private final Linear fc;

    private Path file;

    public InceptionV3() {
        conv1a = child("Conv2d_1a_3x3", new BasicConv2d(3, 32, 3, 2, 0));
        conv2a = child("Conv2d_2a_3x3", new BasicConv2d(32, 32, 3, 1, 0));
        conv2b = child("Conv2d_2b_3x3", new BasicConv2d(32, 64, 3, 1, 1));
        conv3b = child("Conv2d_3b_1x1", new BasicConv2d(64, 80));
        conv4a = child("Conv2d_4a_3x3", new BasicConv2d(80, 192, 3, 1, 0));
        mixed5b = child("Mixed_5b", new InceptionA(192, 32));
        mixed5c = child("Mixed_5c", new InceptionA(256, 64));
        mixed5d = child("Mixed_5d", new InceptionA(288, 64));
        mixed6a = child("Mixed_6a", new InceptionB(288));
        mixed6b = child("Mixed_6b", new InceptionC(768, 128));
        mixed6c = child("Mixed_6c", new InceptionC(768, 160));
        mixed6d = child("Mixed_6d", new InceptionC(768, 160));
        mixed6e = child("Mixed_6e", new InceptionC(768, 192));
        mixed7a = child("Mixed_7a", new InceptionD(768));
        mixed7b = child("Mixed_7b", new InceptionE(1280, false));
        mixed7c = child("Mixed_7c", new InceptionE(2048, true));
        fc = child("fc", new Linear(POOL, CLASSES, true));
        eval();
    }

    /** The network with pytorch-fid's weights from {@code weights}; a missing file says where users obtain it. */
    public static InceptionV3 load(Path weights) throws IOException {
        if (!Files.isRegularFile(weights))
            throw new IOException("Inception weights " + weights + " not found. FID/sFID/IS need pytorch-fid's port"
                    + " of the TensorFlow 2015 Inception graph: download " + WEIGHTS_URL + " (about 91 MB) and pass"
                    + " it with --inception; nothing is downloaded automatically. Without it, --features"
                    + " rcm:CHECKPOINT gives an offline Fréchet distance in an RCM encoder's feature space.");
        InceptionV3 net = new InceptionV3();
        try (Safetensors.Contents c = Checkpoints.read(weights)) {
            Map<String, Tensor> state = new LinkedHashMap<>(c.tensors());
            state.keySet().removeIf(k -> k.endsWith(".num_batches_tracked")); // BatchNorm's step counter, unused
            net.load(state, true);
        }
        net.file = weights;
        return net;
    }

    @Override
    public String id() { return ID; }

    @Override
    public Module network() { return this; }

    @Override
    public Path file() { return file; }

    @Override
    public Features extract(Tensor images) {
        try (NoGradGuard g = new NoGradGuard()) {
            return forward(FeatureExtractor.unitNchw(images, 3));
        }
    }

    /** Training mode on or off; returns this InceptionV3. */
    @Override
    public InceptionV3 train(boolean on) {
        super.train(on);
        return this;
    }

    /** Evaluation mode; returns this InceptionV3. */
    @Override
    public InceptionV3 eval() {
        super.eval();
        return this;
    }

    /** Moves every tensor to {@code device} in place; returns this InceptionV3. */
    @Override
    public InceptionV3 to(org.bytedeco.pytorch.Device device) {
        super.to(device);
        return this;
    }

    /** x [B, 3, H, W] in [0, 1] → pool [B, 2048], spatial [B, 2023], logits [B, 1008]. */
    public Features forward(Tensor x) {
        x = torch.upsample_bilinear2d(x, new long[]{SIZE, SIZE}, false).mul(new Scalar(2.0)).sub(new Scalar(1.0));
        x = Pooling.max3s2(conv2b.forward(conv2a.forward(conv1a.forward(x))));          // [B, 64, 73, 73]
        x = Pooling.max3s2(conv4a.forward(conv3b.forward(x)));                          // [B, 192, 35, 35]
        x = mixed6a.forward(mixed5d.forward(mixed5c.forward(mixed5b.forward(x))));      // [B, 768, 17, 17]
        Tensor m6d = mixed6d.forward(mixed6c.forward(mixed6b.forward(x)));
        Tensor spatial = m6d.narrow(1, 0, SPATIAL_CHANNELS).permute(0, 2, 3, 1).reshape(m6d.size(0), -1);
        x = mixed7c.forward(mixed7b.forward(mixed7a.forward(mixed6e.forward(m6d))));    // [B, 2048, 8, 8]
        Tensor pool = torch.adaptive_avg_pool2d(x, 1, 1).flatten(1, -1);
        return new Features(pool, spatial, pool.matmul(fc.weight.t()));
    }

    /** The softmax layer's bias (ADM's Inception Score leaves it out; torchvision's forward adds it). */
    public Tensor fcBias() { return fc.bias; }
}
