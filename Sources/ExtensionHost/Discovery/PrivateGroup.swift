import Platform
import Synchronization

/// Whether a group-writable file is still safe to run: its group is the owner's private
/// group (the user-private-group scheme of Debian, Ubuntu and Fedora, where every user has a
/// group of their own and the default umask is 002).
///
/// Why: pip honours the umask, so a wheel installed with umask 002 — by a user, or by root in
/// many containers — leaves the bundled extension group-writable; refusing it would make the
/// wheel's own Databricks extension unusable. Group-writability lets nobody else replace the
/// code when nobody else is in the group. The rule is the one Debian's OpenSSH applies to
/// `~/.ssh` (its user-group-modes change): the group has exactly one member, the file's owner,
/// counting both primary memberships (passwd) and supplementary ones (group). A group with no
/// members at all is refused too: such groups usually belong to setgid programs.
enum PrivateGroup {
    static func isPrivate(gid: gid_t, ofOwner owner: uid_t) -> Bool {
        guard let ownerName = userName(owner), let members = supplementaryMembers(gid) else { return false }
        if members.contains(where: { $0 != ownerName }) { return false }
        let primary = primaryMembers(gid)
        if primary.contains(where: { $0 != owner }) { return false }
        return !primary.isEmpty || !members.isEmpty
    }

    private static func userName(_ uid: uid_t) -> String? {
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 16_384)
        guard getpwuid_r(uid, &entry, &buffer, buffer.count, &result) == 0, result != nil else { return nil }
        return String(cString: entry.pw_name)
    }

    /// The group's member list from the group database; nil if the group is unknown.
    private static func supplementaryMembers(_ gid: gid_t) -> [String]? {
        var entry = group()
        var result: UnsafeMutablePointer<group>?
        var buffer = [CChar](repeating: 0, count: 65_536)
        guard getgrgid_r(gid, &entry, &buffer, buffer.count, &result) == 0, result != nil else { return nil }
        var names: [String] = []
        var member = entry.gr_mem
        while let pointer = member, let name = pointer.pointee {
            names.append(String(cString: name))
            member = pointer + 1
        }
        return names
    }

    /// The users whose primary group is `gid`, from the whole user database (getpwent is not
    /// reentrant, hence the lock).
    private static func primaryMembers(_ gid: gid_t) -> [uid_t] {
        userDatabase.withLock { _ in
            setpwent()
            defer { endpwent() }
            var users: [uid_t] = []
            while let entry = getpwent() {
                if entry.pointee.pw_gid == gid { users.append(entry.pointee.pw_uid) }
            }
            return users
        }
    }

    private static let userDatabase = Mutex(())
}
