// Spec §7 at demo scale: one row of the demo's metric table: a model, how it was sampled, its distances to the data.
package epg.report;

/**
 * @param model         "EPG diffusion (RCM init)", "diffusion from scratch", "EPG consistency (from 2a)"
 * @param init          where its weights started: the RCM encoder, the stage-2a model or random
 * @param trainSteps    optimiser steps of its fine-tuning
 * @param sampler       e.g. "Heun 32 points, w 2.0 in (0.19, 1.61]·s" or "one step"
 * @param nfe           network evaluations per image (a guided call counts 2)
 * @param images        samples evaluated
 * @param fdRcm         Fréchet distance in the demo's RCM-T feature space (FD_RCM; lower is better)
 * @param fid           FID in Inception-v3 space, null without --inception
 * @param classAccuracy share of samples a classifier assigns to the class they were drawn for, null when not measured
 * @param finalLoss     mean training loss over the last log lines
 * @param samplesDir    the folder with the PNGs, grid.png and samples.npz, relative to the run directory
 */
public record MetricRow(String model, String init, long trainSteps, String sampler, long nfe, int images, double fdRcm,
                        Double fid, Double classAccuracy, double finalLoss, String samplesDir) {}
