// TEMPORARY: replaced by the data-folders branch.
import SwiftGANEngine

struct StubCollection: ImageCollection {
    let data: ImageDataset
    var count: Int { data.count }
    var imageShape: [Int] { data.imageShape }
    var labels: [Int]? { data.labels }
    var classNames: [String] { (0..<10).map(String.init) }
    func images(at indices: [Int]) -> Tensor { data.images.rows(indices) }
}

public enum DatasetCatalog {
    public static var builtInNames: [String] { ["mnist", "fashion-mnist"] }
    public static func load(name: String?, directory: String?, channels: Int?, resolution: Int?, warn: (String) -> Void) throws -> LoadedDataset {
        let known = ImageDataset.Known(rawValue: name ?? "mnist") ?? .mnist
        let train = try ImageDataset.load(known, split: .train, directory: directory)
        let test = try? ImageDataset.load(known, split: .test, directory: directory)
        return LoadedDataset(name: known.rawValue, train: .images(StubCollection(data: train)), test: test.map { .images(StubCollection(data: $0)) })
    }
}
