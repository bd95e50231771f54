// LatentTensor
