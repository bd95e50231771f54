// LatentImage
