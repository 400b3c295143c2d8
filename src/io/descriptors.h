// Descriptors a process inherited: a program that starts children calls this first, so that each
// child gets the descriptors it is given and nothing its parent happened to leave open.
#pragma once

namespace s2j {

// Marks every open descriptor above 2 close-on-exec. Returns 0 or an errno value.
int close_inherited_descriptors_on_exec();

// Makes sure `needed` descriptors may be open, raising the soft limit towards the hard one when it
// is lower. Returns 0, or EMFILE with `limit` set to the most this process can have.
int ensure_descriptor_limit(long needed, long& limit);

}  // namespace s2j
