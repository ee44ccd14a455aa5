// Spec §1, §3.1 and §8: the data pipeline — preparation, datasets, augmentations, normalisation, loader.
/**
 * The EPG data pipeline.
 * <ul>
 * <li>Preparation ({@link epg.data.Prepare}, {@code epg prepare}): ADM's centre crop
 *     ({@link epg.data.CenterCrop}) on PIL 9.4's resampling ({@link epg.data.Resample}), decoded with
 *     javax.imageio to RGB as PIL's {@code convert('RGB')} does ({@link epg.data.ImageDecoder}).</li>
 * <li>Datasets ({@link epg.data.Dataset}): prepared or raw image folders, IDX (MNIST-style) files.</li>
 * <li>Named datasets ({@link epg.data.DatasetRegistry}): geometry, splits and checksum-pinned sources per name;
 *     {@link epg.data.DatasetLocator} finds them (EPG_DATA, the Debian package's folder, the user cache) or
 *     fetches and verifies them (the Debian package from the apt mirrors, else the authors' files).</li>
 * <li>Augmentations ({@link epg.data.MocoView}): torchvision 0.14's transforms as applied to PIL
 *     images — RandomResizedCrop with PIL bilinear resizing, ColorJitter through PIL's ImageEnhance
 *     and HSV conversions, PIL's 'L' grey-scale, PIL's own GaussianBlur (extended box blur),
 *     PIL's solarize — each checked pixel-exact against PIL in the tests.</li>
 * <li>Randomness: every draw comes from a generator keyed by (seed, epoch, dataset index, view)
 *     ({@link epg.data.Seeds}); view 0 is the clean image's flip.</li>
 * <li>Loading ({@link epg.data.Loader}): batches of planar floats, copied to libtorch tensors by
 *     {@link epg.data.BatchTensors}.</li>
 * </ul>
 */
package epg.data;
