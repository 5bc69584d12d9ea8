/* Moving a host network device into a container's network namespace
 * (linux.netDevices) over rtnetlink, keeping its permanent global
 * addresses and bringing it up there. */
#include "cshim.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sched.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct nl_req {
    struct nlmsghdr h;
    union {
        struct ifinfomsg ifi;
        struct ifaddrmsg ifa;
    };
    char attrs[512];
};

static void add_attr(struct nl_req *r, unsigned short type, const void *data, size_t len)
{
    struct rtattr *a = (struct rtattr *)((char *)r + NLMSG_ALIGN(r->h.nlmsg_len));
    a->rta_type = type;
    a->rta_len = (unsigned short)RTA_LENGTH(len);
    memcpy(RTA_DATA(a), data, len);
    r->h.nlmsg_len = NLMSG_ALIGN(r->h.nlmsg_len) + RTA_ALIGN(a->rta_len);
}

static int nl_open(void)
{
    int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    return fd < 0 ? -errno : fd;
}

static ssize_t nl_recv(int fd, char *buf, size_t len)
{
    ssize_t n;
    do {
        n = recv(fd, buf, len, 0);
    } while (n < 0 && errno == EINTR);
    return n < 0 ? -errno : n;
}

/* Sends one request and waits for its ACK: 0 or -errno. */
static int nl_ack(int fd, struct nl_req *r)
{
    r->h.nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
    if (send(fd, r, r->h.nlmsg_len, 0) < 0)
        return -errno;
    char buf[4096];
    for (;;) {
        ssize_t n = nl_recv(fd, buf, sizeof buf);
        if (n < 0)
            return (int)n;
        for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (unsigned)n); h = NLMSG_NEXT(h, n))
            if (h->nlmsg_type == NLMSG_ERROR)
                return ((struct nlmsgerr *)NLMSG_DATA(h))->error;
    }
}

/* The permanent, global-scope addresses of ifindex: up to max entries of
 * {family, prefixlen, 16 address bytes}. Count or -errno. */
struct shim_ifaddr {
    unsigned char family, prefixlen;
    unsigned char addr[16];
};

static int dump_addresses(int fd, int ifindex, struct shim_ifaddr *out, int max)
{
    struct nl_req r;
    memset(&r, 0, sizeof r);
    r.h.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifaddrmsg));
    r.h.nlmsg_type = RTM_GETADDR;
    r.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    r.ifa.ifa_family = AF_UNSPEC;
    if (send(fd, &r, r.h.nlmsg_len, 0) < 0)
        return -errno;
    int count = 0;
    char buf[16384];
    for (;;) {
        ssize_t n = nl_recv(fd, buf, sizeof buf);
        if (n < 0)
            return (int)n;
        for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (unsigned)n); h = NLMSG_NEXT(h, n)) {
            if (h->nlmsg_type == NLMSG_DONE)
                return count;
            if (h->nlmsg_type == NLMSG_ERROR)
                return ((struct nlmsgerr *)NLMSG_DATA(h))->error;
            if (h->nlmsg_type != RTM_NEWADDR)
                continue;
            struct ifaddrmsg *ifa = NLMSG_DATA(h);
            if ((int)ifa->ifa_index != ifindex || ifa->ifa_scope != RT_SCOPE_UNIVERSE)
                continue;
            unsigned flags = ifa->ifa_flags;
            const void *addr = NULL;
            int len = IFA_PAYLOAD(h);
            for (struct rtattr *a = IFA_RTA(ifa); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
                if (a->rta_type == IFA_FLAGS)
                    memcpy(&flags, RTA_DATA(a), sizeof flags);
                else if (a->rta_type == IFA_LOCAL || (a->rta_type == IFA_ADDRESS && !addr))
                    addr = RTA_DATA(a);
            }
            if (!(flags & IFA_F_PERMANENT) || !addr || count >= max)
                continue;
            out[count].family = ifa->ifa_family;
            out[count].prefixlen = ifa->ifa_prefixlen;
            memcpy(out[count].addr, addr, ifa->ifa_family == AF_INET ? 4 : 16);
            count++;
        }
    }
}

int shim_move_netdev(const char *host_name, const char *new_name, int netns_fd)
{
    int ifindex = (int)if_nametoindex(host_name);
    if (ifindex == 0)
        return -errno;
    int nl = nl_open();
    if (nl < 0)
        return nl;
    struct shim_ifaddr addrs[64];
    int naddrs = dump_addresses(nl, ifindex, addrs, 64);
    if (naddrs < 0) {
        close(nl);
        return naddrs;
    }

    /* Move (and rename) in one message. */
    struct nl_req r;
    memset(&r, 0, sizeof r);
    r.h.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg));
    r.h.nlmsg_type = RTM_NEWLINK;
    r.ifi.ifi_family = AF_UNSPEC;
    r.ifi.ifi_index = ifindex;
    add_attr(&r, IFLA_NET_NS_FD, &netns_fd, sizeof netns_fd);
    add_attr(&r, IFLA_IFNAME, new_name, strlen(new_name) + 1);
    int e = nl_ack(nl, &r);
    close(nl);
    if (e < 0)
        return e;

    /* A netlink socket belongs to the namespace it is made in. */
    int self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
    if (self < 0)
        return -errno;
    if (setns(netns_fd, CLONE_NEWNET) < 0) {
        e = -errno;
        close(self);
        return e;
    }
    nl = nl_open();
    int back = setns(self, CLONE_NEWNET) < 0 ? -errno : 0;
    close(self);
    if (back < 0) {
        if (nl >= 0)
            close(nl);
        return back;
    }
    if (nl < 0)
        return nl;
    /* With a %d template the kernel chose the name: find it by index. */
    int inside = ifindex;
    for (int i = 0; i < naddrs && e == 0; i++) {
        memset(&r, 0, sizeof r);
        r.h.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifaddrmsg));
        r.h.nlmsg_type = RTM_NEWADDR;
        r.h.nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
        r.ifa.ifa_family = addrs[i].family;
        r.ifa.ifa_prefixlen = addrs[i].prefixlen;
        r.ifa.ifa_scope = RT_SCOPE_UNIVERSE;
        r.ifa.ifa_index = (unsigned)inside;
        size_t alen = addrs[i].family == AF_INET ? 4 : 16;
        add_attr(&r, IFA_LOCAL, addrs[i].addr, alen);
        add_attr(&r, IFA_ADDRESS, addrs[i].addr, alen);
        e = nl_ack(nl, &r);
        if (e == -EEXIST)
            e = 0;
    }
    if (e == 0) {
        memset(&r, 0, sizeof r);
        r.h.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg));
        r.h.nlmsg_type = RTM_NEWLINK;
        r.ifi.ifi_family = AF_UNSPEC;
        r.ifi.ifi_index = inside;
        r.ifi.ifi_flags = IFF_UP;
        r.ifi.ifi_change = IFF_UP;
        e = nl_ack(nl, &r);
    }
    close(nl);
    return e;
}
