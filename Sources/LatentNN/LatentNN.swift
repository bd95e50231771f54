// LatentNN
