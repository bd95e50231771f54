// LatentModels
