import Glibc
import SwrunRuntime

exit(SwrunCLI.main(Array(CommandLine.arguments.dropFirst())))
