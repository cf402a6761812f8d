import Foundation

/// Whether new operations are recorded for autograd. Off inside `withNoGrad` and while a
/// backward pass runs without `createGraph`.
///
/// The mode belongs to the current thread, as in PyTorch, so a model evaluated under
/// `withNoGrad` on one thread never switches off recording for training on another.
public enum GradMode {
    /// A per-thread flag: no value (the default) means enabled.
    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        precondition(pthread_key_create(&key, nil) == 0, "cannot create the grad-mode thread key")
        return key
    }()

    static var isEnabled: Bool {
        get { pthread_getspecific(key) == nil }
        set { pthread_setspecific(key, newValue ? nil : UnsafeRawPointer(bitPattern: 1)) }
    }

    /// Whether operations are being recorded right now on this thread.
    public static var enabled: Bool { isEnabled }

    /// Runs `body` with recording switched to `enabled`, restoring the previous mode afterwards.
    public static func with<T>(enabled: Bool, _ body: () throws -> T) rethrows -> T {
        let previous = isEnabled
        isEnabled = enabled
        defer { isEnabled = previous }
        return try body()
    }
}

/// Runs `body` without recording operations (inference, metric code, optimizer updates), like
/// `torch.no_grad()`.
public func withNoGrad<T>(_ body: () throws -> T) rethrows -> T {
    try GradMode.with(enabled: false, body)
}
