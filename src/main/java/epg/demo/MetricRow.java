// Issue 8: one row of the demo's metric table: a model, how it was sampled, and its Fréchet distances to Fashion-MNIST test images.
package epg.demo;

/**
 * @param model        "EPG (RCM init)", "scratch", "EPG consistency"
 * @param init         where its weights started: the RCM encoder or random
 * @param trainSteps   optimiser steps of its fine-tuning
 * @param sampler      e.g. "heun-32, w 2.0 in (0.19, 1.61]·s" or "one step"
 * @param nfe          network evaluations per image (a guided call counts 2)
 * @param images       samples evaluated
 * @param fdRcm        Fréchet distance in the demo's RCM-T feature space (FD_RCM; lower is better)
 * @param fid          FID in Inception-v3 space, null without --inception
 * @param finalLoss    mean training loss over the last log lines
 * @param samplesDir   the folder with the PNGs, grid.png and samples.npz, relative to the run directory
 */
public record MetricRow(String model, String init, long trainSteps, String sampler, long nfe, int images, double fdRcm, Double fid,
                        double finalLoss, String samplesDir) {}
