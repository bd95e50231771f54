// LatentTasks: applying models to images. Image-file tasks live in ImageInfo.swift and
// ImageConvert.swift; model tasks join them here as they are written.
@_exported import LatentImage
