// LatentTasks
